package dev.jacobi.nn.loss;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * Loss values against naive float64 loops written here from the textbook definitions (softmax by
 * explicit exponentials, BCE as {@code -[pw y log s + (1 - y) log(1 - s)]}), for random shapes, targets
 * and options drawn from one seed that QuickTheories prints on failure. The float64 computation must
 * agree to 1e-12 relative (only rounding differs); the float32 one to 2e-5 relative plus 1e-6 absolute
 * (a few float32 ulps through log-softmax and short sums). Also: the error messages.
 */
class LossValueProperties {
    private static final int EXAMPLES = 40;

    // ---------------------------------------------------------------- naive references

    /** Per-target cross-entropy terms and the mean's denominator, [N, C, D] layout flattened. */
    static double[] naiveCrossEntropy(LossCases c, boolean weighted, boolean probabilities) {
        double[] x = c.logits().to(DType.FLOAT64).contiguous().toDoubleArray();
        double[] w = c.weight().to(DType.FLOAT64).toDoubleArray();
        double[] q = c.probabilities().to(DType.FLOAT64).contiguous().toDoubleArray();
        int n = c.n();
        int cl = c.classes();
        int d = c.positions();
        double eps = c.smoothing();
        double[] per = new double[n * d];
        double denominator = 0;
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                double sumExp = 0;
                for (int j = 0; j < cl; j++) {
                    sumExp += Math.exp(x[(i * cl + j) * d + k]);
                }
                double[] logp = new double[cl];
                for (int j = 0; j < cl; j++) {
                    logp[j] = x[(i * cl + j) * d + k] - Math.log(sumExp);
                }
                double wj;
                double loss = 0;
                if (probabilities) {
                    for (int j = 0; j < cl; j++) {
                        wj = weighted ? w[j] : 1;
                        double target = (1 - eps) * q[(i * cl + j) * d + k] + eps / cl;
                        loss -= wj * target * logp[j];
                    }
                    denominator += 1;
                } else {
                    int t = c.targets()[i * d + k];
                    if (t == c.ignoreIndex()) {
                        continue;
                    }
                    double smooth = 0;
                    for (int j = 0; j < cl; j++) {
                        smooth -= (weighted ? w[j] : 1) * logp[j];
                    }
                    wj = weighted ? w[t] : 1;
                    loss = (1 - eps) * (-wj * logp[t]) + eps / cl * smooth;
                    denominator += wj;
                }
                per[i * d + k] = loss;
            }
        }
        return reduce(per, denominator, c.reduction());
    }

    static double[] reduce(double[] per, double denominator, Reduction r) {
        double sum = 0;
        for (double v : per) {
            sum += v;
        }
        return switch (r) {
            case NONE -> per;
            case SUM -> new double[] {sum};
            case MEAN -> new double[] {sum / denominator};
        };
    }

    static double[] naiveBce(double[] x, double[] y, double[] w, double[] pw, int last, Reduction r) {
        double[] per = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            // log σ(x) and log(1 − σ(x)) = log σ(x) − x, each from the side where exp does not lose digits:
            // log(1 − s) with s rounded near 1 was off by ~5e-8 per element at x ≈ 20, which a sum of
            // hundreds of elements lifted above the float64 tolerance.
            double logS = x[i] >= 0 ? -Math.log1p(Math.exp(-x[i])) : x[i] - Math.log1p(Math.exp(x[i]));
            double logOneMinusS = logS - x[i];
            double p = pw == null ? 1 : pw[i % last];
            per[i] = -(p * y[i] * logS + (1 - y[i]) * logOneMinusS) * (w == null ? 1 : w[i % last]);
        }
        return reduce(per, x.length, r);
    }

    private static void assertClose(Tensor actual, double[] expected, double rel, double abs) {
        double[] a = actual.to(DType.FLOAT64).contiguous().toDoubleArray();
        assertThat(a).hasSize(expected.length);
        for (int i = 0; i < a.length; i++) {
            assertThat(Math.abs(a[i] - expected[i])).as("element %d: %s vs reference %s", i, a[i], expected[i])
                    .isLessThanOrEqualTo(abs + rel * Math.abs(expected[i]));
        }
    }

    private static void forBothPrecisions(long seed, java.util.function.BiConsumer<LossCases, double[]> check) {
        for (DType dt : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            check.accept(LossCases.draw(seed, dt), dt == DType.FLOAT64 ? new double[] {1e-12, 1e-14} : new double[] {2e-5, 1e-6});
        }
    }

    // ---------------------------------------------------------------- properties

    @Test
    void crossEntropyWithClassIndicesMatchesNaiveReference() {
        qt().withExamples(EXAMPLES).forAll(longs().all()).checkAssert(seed -> forBothPrecisions(seed, (c, tol) -> {
            boolean weighted = new Random(seed).nextBoolean();
            CrossEntropyOptions o = new CrossEntropyOptions(c.reduction(), c.ignoreIndex(), c.smoothing(), weighted ? c.weight() : null);
            assertClose(Losses.crossEntropy(c.logits(), c.targetTensor(), o), naiveCrossEntropy(c, weighted, false), tol[0], tol[1]);
        }));
    }

    @Test
    void crossEntropyWithProbabilityTargetsMatchesNaiveReference() {
        qt().withExamples(EXAMPLES).forAll(longs().all()).checkAssert(seed -> forBothPrecisions(seed, (c, tol) -> {
            boolean weighted = new Random(seed).nextBoolean();
            CrossEntropyOptions o = new CrossEntropyOptions(c.reduction(), -100, c.smoothing(), weighted ? c.weight() : null);
            assertClose(Losses.crossEntropy(c.logits(), c.probabilities(), o), naiveCrossEntropy(c, weighted, true), tol[0], tol[1]);
        }));
    }

    @Test
    void nllEqualsCrossEntropyOfLogSoftmaxWithoutSmoothing() {
        qt().withExamples(EXAMPLES).forAll(longs().all()).checkAssert(seed -> forBothPrecisions(seed, (c, tol) -> {
            LossCases plain = new LossCases(c.n(), c.classes(), c.extra(), c.logitShape(), c.targetShape(), c.logits(), c.targets(),
                    c.weight(), c.probabilities(), c.ignoreIndex(), 0.0, c.reduction());
            assertClose(Losses.nll(c.logits().logSoftmax(1), c.targetTensor(), c.reduction(), c.ignoreIndex(), c.weight()),
                    naiveCrossEntropy(plain, true, false), tol[0], tol[1]);
        }));
    }

    @Test
    void bceWithLogitsMatchesNaiveReference() {
        qt().withExamples(EXAMPLES).forAll(longs().all()).checkAssert(seed -> forBothPrecisions(seed, (c, tol) -> {
            Generator gen = Generator.seeded(seed);
            int[] shape = c.logitShape();
            int last = shape[shape.length - 1];
            Tensor x = c.logits().mul(4); // |x| up to ~20: naive log(1 - s) stays finite in float64 there
            Tensor y = gen.uniform(DType.FLOAT64, 0, 1, shape).to(x.dtype());
            Random r = new Random(seed);
            Tensor w = r.nextBoolean() ? gen.uniform(DType.FLOAT64, 0.5, 1.5, last).to(x.dtype()) : null;
            Tensor pw = r.nextBoolean() ? gen.uniform(DType.FLOAT64, 0, 3, last).to(x.dtype()) : null;
            double[] expected = naiveBce(x.to(DType.FLOAT64).toDoubleArray(), y.to(DType.FLOAT64).toDoubleArray(),
                    w == null ? null : w.to(DType.FLOAT64).toDoubleArray(), pw == null ? null : pw.to(DType.FLOAT64).toDoubleArray(),
                    last, c.reduction());
            // The reference computes log σ and log(1 − σ) stably, so the float64 tolerance holds as for the other losses.
            assertClose(Losses.bceWithLogits(x, y, c.reduction(), w, pw), expected, tol[0], tol[1]);
        }));
    }

    @Test
    void bceWithLogitsStaysFiniteForHugeLogits() {
        Tensor x = Tensor.of(new double[] {-1000, 1000, -80, 80}, 4);
        Tensor y = Tensor.of(new double[] {1, 0, 0, 1}, 4);
        // exact: softplus(1000) = 1000, and the terms with the right label are ~e^-80
        assertThat(Losses.bceWithLogits(x, y, Reduction.NONE, null, null).toDoubleArray())
                .containsExactly(new double[] {1000, 1000, 1.8e-35, 1.8e-35}, org.assertj.core.data.Offset.offset(1e-30));
    }

    @Test
    void mseMatchesNaiveReference() {
        qt().withExamples(EXAMPLES).forAll(longs().all()).checkAssert(seed -> forBothPrecisions(seed, (c, tol) -> {
            double[] a = c.logits().to(DType.FLOAT64).toDoubleArray();
            double[] b = c.probabilities().to(DType.FLOAT64).toDoubleArray();
            double[] per = new double[a.length];
            for (int i = 0; i < a.length; i++) {
                per[i] = (a[i] - b[i]) * (a[i] - b[i]);
            }
            assertClose(Losses.mse(c.logits(), c.probabilities(), c.reduction()), reduce(per, a.length, c.reduction()), tol[0], tol[1]);
        }));
    }

    @Test
    void oneDimensionalLogitsTakeAZeroDimensionalTarget() {
        Tensor logits = Tensor.of(new double[] {0.5, -1, 2}, 3);
        double lse = Math.log(Math.exp(0.5) + Math.exp(-1) + Math.exp(2));
        Tensor loss = Losses.crossEntropy(logits, Tensor.ofInts(new int[] {1}).reshape(),
                CrossEntropyOptions.DEFAULTS.withReduction(Reduction.NONE));
        assertThat(loss.rank()).isZero();
        assertThat(loss.item()).isCloseTo(lse + 1, org.assertj.core.data.Offset.offset(1e-14));
    }

    @Test
    void errorsNameTheOffendingValues() {
        Tensor logits = Tensor.zeros(DType.FLOAT32, 3, 4);
        assertThatThrownBy(() -> Losses.crossEntropy(logits, Tensor.ofInts(new int[] {0, 7, 1}, 3)))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("crossEntropy: target 7 at position [1] is outside [0, 4)");
        assertThatThrownBy(() -> Losses.crossEntropy(Tensor.zeros(DType.FLOAT32, 2, 3, 2), Tensor.ofInts(new int[] {0, 1, 2, -1}, 2, 2)))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("target -1 at position [1, 1]");
        assertThatThrownBy(() -> Losses.crossEntropy(logits, Tensor.ofInts(new int[] {0, 1}, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs a target of shape [3], got [2]");
        assertThatThrownBy(() -> Losses.crossEntropy(logits, Tensor.zeros(DType.FLOAT64, 3, 4)))
                .hasMessageContaining("logits is float32 but probability target is float64");
        assertThatThrownBy(() -> Losses.mse(logits, Tensor.zeros(DType.FLOAT32, 4, 3)))
                .hasMessageContaining("mse: input has shape [3, 4] but target has shape [4, 3]");
        assertThatThrownBy(() -> Losses.nll(logits, Tensor.ofInts(new int[] {0, 1, 2}, 3), Reduction.MEAN, -100, Tensor.zeros(DType.FLOAT32, 3)))
                .hasMessageContaining("class weight must have shape [4]");
        assertThatThrownBy(() -> Losses.bceWithLogits(logits, logits, Reduction.MEAN, null, Tensor.zeros(DType.FLOAT32, 3)))
                .hasMessageContaining("pos_weight of shape [3] does not broadcast to the logits' shape [3, 4]");
        assertThatThrownBy(() -> Losses.crossEntropy(logits, Tensor.ofInts(new int[] {0, 1, 2}, 3),
                CrossEntropyOptions.DEFAULTS.withLabelSmoothing(1.5))).hasMessageContaining("label smoothing 1.5");
    }
}
