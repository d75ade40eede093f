package dev.jacobi.nn.loss;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;

import java.util.Random;

/**
 * A random loss problem drawn from one seed: logits of shape [N, C, d...] (rank 2 to 4), class-index
 * targets with some set to the ignore index (never all of them), class weights and probability targets.
 */
record LossCases(int n, int classes, int[] extra, int[] logitShape, int[] targetShape, Tensor logits, int[] targets,
                 Tensor weight, Tensor probabilities, int ignoreIndex, double smoothing, Reduction reduction) {

    static LossCases draw(long seed, DType dtype) {
        Random r = new Random(seed);
        Generator gen = Generator.seeded(seed);
        int n = 1 + r.nextInt(4);
        int classes = 2 + r.nextInt(4);
        int[] extra = new int[r.nextInt(3)];
        for (int i = 0; i < extra.length; i++) {
            extra[i] = 1 + r.nextInt(3);
        }
        int[] logitShape = new int[2 + extra.length];
        int[] targetShape = new int[1 + extra.length];
        logitShape[0] = n;
        logitShape[1] = classes;
        targetShape[0] = n;
        int d = 1;
        for (int i = 0; i < extra.length; i++) {
            logitShape[2 + i] = extra[i];
            targetShape[1 + i] = extra[i];
            d *= extra[i];
        }
        int ignore = r.nextBoolean() ? -100 : r.nextInt(classes);
        int[] t = new int[n * d];
        for (int i = 0; i < t.length; i++) {
            t[i] = r.nextInt(5) == 0 ? ignore : r.nextInt(classes);
        }
        t[0] = ignore == 0 ? 1 : 0; // at least one target counts, so the mean is defined
        Tensor logits = gen.normal(DType.FLOAT64, 0, 1.5, logitShape).to(dtype);
        Tensor weight = gen.uniform(DType.FLOAT64, 0.5, 1.5, classes).to(dtype);
        Tensor probs = gen.normal(DType.FLOAT64, 0, 1, logitShape).softmax(1).to(dtype);
        double smoothing = switch (r.nextInt(3)) {
            case 0 -> 0.0;
            case 1 -> 0.1;
            default -> r.nextDouble() * 0.6;
        };
        Reduction red = Reduction.values()[r.nextInt(3)];
        return new LossCases(n, classes, extra, logitShape, targetShape, logits, t, weight, probs, ignore, smoothing, red);
    }

    Tensor targetTensor() {
        return Tensor.ofInts(targets, targetShape);
    }

    /** Number of positions per example (product of the extra dimensions). */
    int positions() {
        int d = 1;
        for (int e : extra) {
            d *= e;
        }
        return d;
    }
}
