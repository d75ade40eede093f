package dev.jacobi.algorithms.flow;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;

import java.util.Map;

/** Tiny TarFlow models for the properties: one channel, patch 2, width 32, 2 heads of 16, L = 2. */
final class TinyFlows {
    private TinyFlows() {
    }

    /**
     * A model of {@code blocks} blocks on {@code side × side} images (T = (side/2)², D = 4) with random
     * output heads: a zero head would make every block the identity and every property trivial.
     */
    static TarFlow model(int side, int blocks, DType dtype, Generator gen) {
        TarFlowConfig config = new TarFlowConfig(1, side, 2, 32, blocks, 2, 16, 4, 0, dtype);
        TarFlow model = TarFlow.create(config, gen);
        try (var g = Autograd.noGrad()) {
            for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
                if (e.getKey().endsWith("proj_out.weight")) {
                    // No norm precedes proj_out, so a grows with the block's input; std 0.03 over width 32 keeps
                    // log-scales of order 0.3 for O(1) inputs, and K stacked blocks from blowing up
                    // (std 0.1 reached |z| ~ 1e10 at K = 3 for some seeds).
                    e.getValue().copyFrom(gen.normal(dtype, 0, 0.03, e.getValue().shape()));
                }
            }
        }
        return model;
    }

    /** Largest absolute difference of two same-shape tensors. */
    static double maxAbsDiff(Tensor a, Tensor b) {
        double[] x = a.toDoubleArray();
        double[] y = b.toDoubleArray();
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            worst = Math.max(worst, Math.abs(x[i] - y[i]));
        }
        return worst;
    }

    /** A standard normal batch shaped like the model's sequences. */
    static Tensor latent(TarFlow model, int batch, Generator gen) {
        return Tensor.randn(gen, model.config().dtype(), batch, model.config().tokens(), model.config().tokenSize());
    }
}
