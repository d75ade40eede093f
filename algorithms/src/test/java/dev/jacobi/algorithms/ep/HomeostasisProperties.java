package dev.jacobi.algorithms.ep;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;
import dev.jacobi.tensor.autograd.GradMode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/** The homeostatic estimator and the symmetry monitor against exact identities (spec oracles 5, 6). */
class HomeostasisProperties {

    private static double[] randomMatrix(Random rnd, int n, int symmetry) {
        double[] a = new double[n * n];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                a[r * n + c] = rnd.nextGaussian();
            }
        }
        if (symmetry == 0) {
            return a;
        }
        double[] out = new double[n * n];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                out[r * n + c] = 0.5 * (a[r * n + c] + symmetry * a[c * n + r]);
            }
        }
        return out;
    }

    /** v -> J v for rows v, i.e. v J^T. */
    private static java.util.function.UnaryOperator<Tensor> times(double[] j, int n) {
        Tensor jt = Tensor.of(j, n, n).mT();
        return v -> v.matmul(jt);
    }

    @Test
    void perSampleValueIsZeroForSymmetricAndTwiceTheSquaredNormForAntisymmetric() {
        qt().withExamples(15).forAll(longs().all(), integers().between(1, 12)).checkAssert((seed, n) -> {
            Random rnd = new Random(seed);
            Tensor eps = Generator.seeded(seed).normal(DType.FLOAT64, 0, 1, 4, n);
            double[] sym = randomMatrix(rnd, n, 1);
            double[] anti = randomMatrix(rnd, n, -1);
            double[] symValues = Homeostasis.sampleValues(times(sym, n), eps).toDoubleArray();
            double[] antiValues = Homeostasis.sampleValues(times(anti, n), eps).toDoubleArray();
            double[] je = eps.matmul(Tensor.of(anti, n, n).mT()).square().sum(new int[] {1}, false).toDoubleArray();
            for (int i = 0; i < 4; i++) {
                // |Je|^2 - e^T J J e = |Je|^2 - (J^T e)^T (J e): exactly 0 for J = J^T and 2 |Je|^2 for J = -J^T,
                // up to float64 rounding of sums of n^2 products (1e-12 relative to |Je|^2).
                double scale = 1 + Math.abs(je[i]) + Math.abs(symValues[i]);
                assertThat(symValues[i]).isCloseTo(0, offset(1e-12 * scale * n));
                assertThat(antiValues[i]).isCloseTo(2 * je[i], offset(1e-12 * scale * n));
            }
        });
    }

    @Test
    void monteCarloMeanIsHalfTheSquaredAsymmetry() {
        // 20 000 draws on a random 10x10 J: the sample mean must lie within 3 standard errors (estimated
        // from the same samples) of 1/2 |J - J^T|_F^2; a fixed seed keeps the 0.3% false-alarm rate away.
        Random rnd = new Random(11);
        int n = 10;
        double[] j = randomMatrix(rnd, n, 0);
        Tensor eps = Generator.seeded(12).normal(DType.FLOAT64, 0, 1, 20_000, n);
        // J applied by a plain loop (the engine's float64 GEMM is slow on cold 20000 x 10 panels).
        java.util.function.UnaryOperator<Tensor> plain = t -> {
            double[] in = t.toDoubleArray();
            double[] out = new double[in.length];
            for (int row = 0; row < in.length / n; row++) {
                for (int r = 0; r < n; r++) {
                    double acc = 0;
                    for (int c = 0; c < n; c++) {
                        acc += j[r * n + c] * in[row * n + c];
                    }
                    out[row * n + r] = acc;
                }
            }
            return Tensor.of(out, in.length / n, n);
        };
        double[] v = Homeostasis.sampleValues(plain, eps).toDoubleArray();
        double mean = 0;
        for (double x : v) {
            mean += x;
        }
        mean /= v.length;
        double var = 0;
        for (double x : v) {
            var += (x - mean) * (x - mean);
        }
        double se = Math.sqrt(var / (v.length - 1) / v.length);
        double expected = 0;
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                double d = j[r * n + c] - j[c * n + r];
                expected += 0.5 * d * d;
            }
        }
        assertThat(mean).isCloseTo(expected, offset(3 * se));
    }

    @Test
    void symmetryMonitorIsOneZeroAndOneHalf() {
        qt().withExamples(100).forAll(longs().all(), integers().between(2, 10)).checkAssert((seed, n) -> {
            Random rnd = new Random(seed);
            double[] s = randomMatrix(rnd, n, 1);
            double[] a = randomMatrix(rnd, n, -1);
            assertThat(SymmetryMonitor.of(Tensor.of(s, n, n))).isCloseTo(1, offset(1e-15));
            assertThat(SymmetryMonitor.of(Tensor.of(a, n, n))).isCloseTo(0, offset(1e-15));
            // Scale both parts to unit Frobenius norm: |J_s| = |J_a| gives exactly 1/2.
            double ns = 0;
            double na = 0;
            for (int i = 0; i < n * n; i++) {
                ns += s[i] * s[i];
                na += a[i] * a[i];
            }
            double[] half = new double[n * n];
            for (int i = 0; i < n * n; i++) {
                half[i] = s[i] / Math.sqrt(ns) + a[i] / Math.sqrt(na);
            }
            assertThat(SymmetryMonitor.of(Tensor.of(half, n, n))).isCloseTo(0.5, offset(1e-12));
        });
    }

    @Test
    void networkJacobianIsSymmetricWhenTiedAndTheKnobSetsTheAngle() {
        // Tied MLP: J = blocks(W, W^T) - I is symmetric (monitor 1 to rounding), and the homeostatic loss is 0.
        EpNetwork tied = EpFixtures.mlp(3, new int[] {5, 6, 4, 3}, true, 0, EpLoss.MSE, 3);
        Tensor x = EpFixtures.inputs(3, 2, 5);
        Tensor free = EpGradients.freePhase(tied, tied.tensorRelaxer(), x, 40);
        assertThat(SymmetryMonitor.ofNetwork(tied, free, x, 1)).isCloseTo(1, offset(1e-14));
        try (GradMode g = Autograd.noGrad()) {
            assertThat(Homeostasis.loss(tied, free, x, Generator.seeded(1), 5).item()).isCloseTo(0, offset(1e-14));
        }
        // The asymmetry knob: the angle between W and B is the requested one up to the random B0 being only
        // nearly orthogonal to W and of nearly W's norm (24 and 18 weights: within 20 degrees).
        EpNetwork skew = EpFixtures.mlp(3, new int[] {5, 6, 4, 3}, false, 60, EpLoss.MSE, 3);
        for (double angle : skew.feedbackAngles()) {
            assertThat(angle).isBetween(40.0, 80.0);
        }
        assertThat(SymmetryMonitor.ofNetwork(skew, free, x, 0)).isLessThan(0.99).isGreaterThan(0.5);
        EpNetwork zero = EpFixtures.mlp(3, new int[] {5, 6, 4, 3}, false, 0, EpLoss.MSE, 3);
        for (double angle : zero.feedbackAngles()) {
            assertThat(angle).isCloseTo(0, offset(1e-5)); // arccos near 1 amplifies rounding: 1e-5 degrees
        }
    }

    @Test
    void networkLossIsTheMeanAsymmetryAndItsGradientMatchesFiniteDifferences() {
        EpNetwork net = EpFixtures.mlp(5, new int[] {4, 5, 3}, false, 50, EpLoss.MSE, 3);
        Tensor x = EpFixtures.inputs(5, 2, 4);
        Tensor free = EpGradients.freePhase(net, net.tensorRelaxer(), x, 40);
        // For an MLP J = A - I does not depend on the state: E[L_h] = 1/2 |A - A^T|_F^2 / n exactly,
        // and |A - A^T|_F^2 = 2 |W_2 - B_2|_F^2 in the [out, in] layout.
        double asym = net.weight(2).sub(net.feedback(2)).square().sum().item();
        double lh;
        try (GradMode g = Autograd.noGrad()) {
            lh = Homeostasis.loss(net, free, x, Generator.seeded(9), 300).item();
        }
        // 600 probe rows; the per-row value has relative spread about 1 (a quadratic form in Gaussians),
        // so 20% is about 5 standard errors.
        assertThat(lh).isCloseTo(asym / net.stateSize(), offset(0.2 * asym / net.stateSize()));

        // Gradient through the two JVPs against central differences with the same probes (fixed seed).
        List<Tensor> grads = Homeostasis.gradient(net, free, x, Generator.seeded(4), 3, 1.0);
        Tensor w = net.feedback(2);
        double h = 1e-6;
        for (int k : new int[] {0, 7, 14}) {
            int r = k / w.size(1);
            int c = k % w.size(1);
            double base = w.getDouble(r, c);
            double up;
            double down;
            try (GradMode g = Autograd.noGrad()) {
                w.set(base + h, r, c);
                up = Homeostasis.loss(net, free, x, Generator.seeded(4), 3).item();
                w.set(base - h, r, c);
                down = Homeostasis.loss(net, free, x, Generator.seeded(4), 3).item();
                w.set(base, r, c);
            }
            double fd = (up - down) / (2 * h);
            int index = net.parameterNames().indexOf("layers.1.feedback");
            // L_h is quadratic in the weights: central differences are exact up to rounding 1e-16 / h.
            assertThat(grads.get(index).getDouble(r, c)).isCloseTo(fd, offset(1e-8));
        }
    }
}
