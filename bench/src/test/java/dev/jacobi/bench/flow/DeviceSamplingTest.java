package dev.jacobi.bench.flow;

import dev.jacobi.algorithms.flow.BlockStrategy;
import dev.jacobi.algorithms.flow.FlowSampler;
import dev.jacobi.algorithms.flow.InitialGuess;
import dev.jacobi.algorithms.flow.TarFlow;
import dev.jacobi.algorithms.flow.TarFlowConfig;
import dev.jacobi.algorithms.flow.TarFlowTraining;
import dev.jacobi.cl.ClAvailability;
import dev.jacobi.cl.ClDevices;
import dev.jacobi.cl.OpenCl;
import dev.jacobi.tensor.Device;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * TarFlow sampling on an OpenCL device (PoCL in CI): the model and the latents moved with
 * {@code to(device)}, every sampler runs there (its KV cache and iterates on the device) and gives the
 * CPU's sequential sample. Lives in bench, the one module that sees both algorithms and kernels-cl.
 */
class DeviceSamplingTest {
    private static Device device() {
        ClAvailability a = ClDevices.availability();
        if (!a.available()) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("CI=true and no OpenCL device: " + a.message());
            }
            assumeTrue(false, "skipped: " + a.message());
        }
        return OpenCl.device();
    }

    @Test
    void everySamplerOnTheDeviceGivesTheCpuSequentialSample() {
        Device device = device();
        TarFlowConfig config = TarFlowTraining.digitsConfig(32, 2, 1, 16, false);
        TarFlow model = TarFlow.create(config, Generator.seeded(42));
        Generator noise = Generator.seeded(1);
        try (var g = Autograd.noGrad()) {
            // A new model is the identity (zero output heads): perturb every weight so sampling has work to do.
            for (Tensor p : model.parameters()) {
                p.copyFrom(p.add(noise.normal(p.dtype(), 0, 0.05, p.shape())));
            }
            Tensor z = Generator.seeded(44).normal(config.dtype(), 0, 1, 3, config.tokens(), config.tokenSize());
            Tensor expected = FlowSampler.sampleSequential(model, z, null).sequence();
            model.to(device);
            Tensor onDevice = z.to(device);
            int k = model.blocks().size();
            int t = config.tokens();
            List<List<BlockStrategy>> samplers = List.of(
                    Collections.nCopies(k, BlockStrategy.sequential()),
                    Collections.nCopies(k, BlockStrategy.jacobi(t, 0, InitialGuess.ZERO).withClamp(false)),
                    Collections.nCopies(k, BlockStrategy.gaussSeidelJacobi(4, 4, 0, InitialGuess.Z).withClamp(false)));
            for (List<BlockStrategy> strategies : samplers) {
                Tensor x = FlowSampler.sample(model, onDevice, strategies, null).sequence();
                assertThat(x.device()).isEqualTo(device);
                // Exact solves (J covers every module, ε = 0) of the same triangular system, in float32 on
                // two backends through 2 blocks: a few ulps of O(1) values.
                double diff = x.toCpu().sub(expected).abs().max().item();
                assertThat(diff).as("%s", strategies.getFirst()).isLessThan(1e-4);
            }
        }
    }
}
