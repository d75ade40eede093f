package dev.jacobi.algorithms.flow;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;
import dev.jacobi.tensor.io.Npz;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A state dict made by PyTorch (flow/make_tarflow_reference.py: a TarFlow with the reference's layout and
 * names, 3 blocks, class-conditional) loads strictly, and the Java model reproduces its patches, latents,
 * log-determinants and inverse.
 */
class TarFlowReferenceTest {

    @Test
    void pyTorchStateDictLoadsAndReproducesForwardAndInverse() throws URISyntaxException {
        Path file = Path.of(TarFlowReferenceTest.class.getResource("/flow/tarflow_reference.npz").toURI());
        Map<String, Tensor> all = Npz.read(file);
        Map<String, Tensor> state = new LinkedHashMap<>();
        all.forEach((k, v) -> {
            if (k.startsWith("param/")) {
                state.put(k.substring("param/".length()), v);
            }
        });
        TarFlow model = TarFlow.create(new TarFlowConfig(3, 8, 2, 32, 3, 2, 16, 4, 4, DType.FLOAT32), Generator.seeded(0));
        model.loadStateDict(state, true);
        assertThat(model.stateDict().keySet()).containsExactlyInAnyOrderElementsOf(state.keySet());

        // unfold order: pure data movement, exact.
        Tensor x = model.patchify(all.get("image"));
        assertThat(x.toDoubleArray()).containsExactly(all.get("x").toDoubleArray());

        double[] labelValues = all.get("labels").toDoubleArray();
        int[] labels = {(int) labelValues[0], (int) labelValues[1]};
        TarFlow.FlowOutput out;
        try (var g = Autograd.noGrad()) {
            out = model.forward(x, labels);
        }
        // float32 on both sides with different summation orders: a few ulps of O(1) values per op,
        // compounded over 3 blocks of 2 layers: 1e-5.
        assertThat(TinyFlows.maxAbsDiff(out.z(), all.get("z"))).isLessThan(1e-5);
        assertThat(TinyFlows.maxAbsDiff(out.logDet(), all.get("logdet"))).isLessThan(1e-6);

        Tensor back = FlowSampler.sample(model, all.get("z"), Collections.nCopies(3, BlockStrategy.sequential()), labels).sequence();
        assertThat(TinyFlows.maxAbsDiff(back, all.get("inverse"))).isLessThan(1e-5);
        assertThat(TinyFlows.maxAbsDiff(back, x)).isLessThan(1e-5);
        // GS-Jacobi with 4 modules of 4 tokens and 4 passes each, unclamped: the same inverse.
        Tensor gs = FlowSampler.sample(model, all.get("z"),
                Collections.nCopies(3, BlockStrategy.gaussSeidelJacobi(4, 4, 0, InitialGuess.ZERO).withClamp(false)), labels).sequence();
        assertThat(TinyFlows.maxAbsDiff(gs, x)).isLessThan(1e-5);
        assertThat(TinyFlows.maxAbsDiff(model.unpatchify(back), all.get("image"))).isLessThan(1e-5);
    }
}
