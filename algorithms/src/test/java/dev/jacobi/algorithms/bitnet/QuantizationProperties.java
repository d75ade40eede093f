package dev.jacobi.algorithms.bitnet;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * The quantizers against naive float64 references written here, and the properties of section 5 of
 * the BitNet b1.58 spec (4: activation error bound and scale invariance; 5: re-quantizing the
 * dequantized weight; 7: statistics of Gaussian weights).
 *
 * <p>The implementation divides and rounds in float32 (as PyTorch does for float32 tensors), the
 * references in float64. The two can only disagree on an element whose exact quotient lies within a
 * few float32 ulps of a rounding boundary (k + 0.5), so general comparisons skip elements within
 * {@link #BOUNDARY} of one; the tie properties use inputs where the quotients are exact in both.
 */
class QuantizationProperties {
    /** Quotients this close to k + 1/2 may round either way between float32 and float64 (ulp 2^-23·2 ≈ 2.4e-7 near 1.5). */
    private static final double BOUNDARY = 1e-5;

    /** Random float32 weights: Gaussian, times a random magnitude, some rows heavy-tailed. */
    private static Tensor weights(long seed, int rows, int cols) {
        SplittableRandom r = new SplittableRandom(seed);
        double magnitude = Math.pow(10, r.nextDouble(-3, 2));
        Tensor g = Tensor.randn(Generator.seeded(seed), DType.FLOAT32, rows, cols).mul(magnitude);
        return r.nextBoolean() ? g : g.mul(g.abs()); // |z|·z: heavier tails, where mean and median differ
    }

    private static double refScale(double[] w, Ternary.Measure m) {
        double[] a = Arrays.stream(w).map(Math::abs).toArray();
        double g;
        if (m == Ternary.Measure.ABSMEAN) {
            g = Arrays.stream(a).sum() / a.length;
        } else {
            Arrays.sort(a);
            g = a[(a.length - 1) / 2];
        }
        return Math.max(g, 1e-5);
    }

    private static boolean nearBoundary(double q) {
        double f = Math.abs(q) - Math.floor(Math.abs(q));
        return Math.abs(f - 0.5) < BOUNDARY;
    }

    @Test
    void ternaryCodesAndScaleMatchTheFloat64Reference() {
        qt().withExamples(60).forAll(longs().all(), integers().between(1, 48), integers().between(1, 48), integers().between(0, 1))
                .checkAssert((seed, rows, cols, m) -> {
                    Ternary.Measure measure = Ternary.Measure.values()[m];
                    Tensor w = weights(seed, rows, cols);
                    double[] wv = w.toDoubleArray();
                    TernaryTensor q = Ternary.quantize(w, measure);
                    double gamma = refScale(wv, measure);
                    // The scale is the float64 measure rounded once to float32: within half an ulp.
                    assertThat((double) q.scale()).isCloseTo(gamma, within(Math.ulp((float) gamma) / 2.0));
                    assertThat(q.codes().shape()).containsExactly(rows, cols);
                    int[] codes = q.codes().toIntArray();
                    int compared = 0;
                    for (int i = 0; i < wv.length; i++) {
                        double quotient = wv[i] / gamma;
                        if (!nearBoundary(quotient)) {
                            assertThat(codes[i]).as("element %d, W/γ = %s", i, quotient)
                                    .isEqualTo((int) Math.max(-1, Math.min(1, Math.rint(quotient))));
                            compared++;
                        }
                    }
                    assertThat(compared).isGreaterThan(wv.length / 2);
                    // Dequantization is exact: γ·c with c in {-1, 0, 1}.
                    float[] deq = q.dequantize().toFloatArray();
                    for (int i = 0; i < deq.length; i++) {
                        assertThat(deq[i]).isEqualTo(q.scale() * codes[i]);
                    }
                });
    }

    @Test
    void tiesGoToEvenExactlyOnIntegerWeights() {
        // Integer weights, a power-of-two count: γ = sum/n is exact in float32, so W/γ = w·n/sum is a
        // rational that is either exactly k + 1/2 or at least 1/(2·sum) away from it, far beyond rounding.
        qt().withExamples(80).forAll(longs().all(), integers().between(0, 5), integers().between(0, 1)).checkAssert((seed, log2n, m) -> {
            int n = 1 << log2n;
            SplittableRandom r = new SplittableRandom(seed);
            float[] w = new float[n];
            for (int i = 0; i < n; i++) {
                w[i] = r.nextInt(-4, 5);
            }
            Ternary.Measure measure = Ternary.Measure.values()[m];
            double[] wd = new double[n];
            for (int i = 0; i < n; i++) {
                wd[i] = w[i];
            }
            double gamma = refScale(wd, measure);
            int[] codes = Ternary.quantize(Tensor.of(w, n), measure).codes().toIntArray();
            for (int i = 0; i < n; i++) {
                assertThat(codes[i]).as("w = %s, γ = %s", w[i], gamma)
                        .isEqualTo((int) Math.max(-1, Math.min(1, Math.rint(wd[i] / gamma))));
            }
        });
    }

    @Test
    void ternaryCodesAreInvariantToPositiveScaling() {
        // Invariance holds while the ε clamp is inactive (the measure above ε before and after scaling):
        // only then does γ scale with W.
        qt().withExamples(40).forAll(longs().all(), integers().between(1, 32), integers().between(-6, 6), integers().between(0, 1))
                .checkAssert((seed, n, log2c, m) -> {
                    Ternary.Measure measure = Ternary.Measure.values()[m];
                    Tensor w = weights(seed, n, 7);
                    double[] wv = w.toDoubleArray();
                    double gamma = refScale(wv, measure);
                    TernaryTensor base = Ternary.quantize(w, measure);
                    int[] codes = base.codes().toIntArray();
                    // A power-of-two factor scales every float exactly: identical codes, scale scaled exactly.
                    double c = Math.scalb(1.0, log2c);
                    if (Math.min(gamma, gamma * c) > 2e-5) {
                        TernaryTensor scaled = Ternary.quantize(w.mul(c), measure);
                        assertThat(scaled.codes().toIntArray()).containsExactly(codes);
                        assertThat((double) scaled.scale()).isEqualTo(base.scale() * c);
                    }
                    // Any factor: the same codes except where the quotient sits on a rounding boundary.
                    double any = new SplittableRandom(seed ^ 0x5DEECE66DL).nextDouble(0.05, 20);
                    if (Math.min(gamma, gamma * any) > 2e-5) {
                        int[] other = Ternary.quantize(w.mul(any), measure).codes().toIntArray();
                        for (int i = 0; i < wv.length; i++) {
                            if (!nearBoundary(wv[i] / gamma)) {
                                assertThat(other[i]).as("element %d, W/γ = %s", i, wv[i] / gamma).isEqualTo(codes[i]);
                            }
                        }
                    }
                });
    }

    @Test
    void requantizingTheDequantizedWeightKeepsTheCodes() {
        qt().withExamples(60).forAll(longs().all(), integers().between(1, 40), integers().between(1, 40), integers().between(0, 1))
                .checkAssert((seed, rows, cols, m) -> {
                    Ternary.Measure measure = Ternary.Measure.values()[m];
                    TernaryTensor q = Ternary.quantize(weights(seed, rows, cols), measure);
                    TernaryTensor again = Ternary.quantize(q.dequantize(), measure);
                    assertThat(again.codes().toIntArray()).containsExactly(q.codes().toIntArray());
                    long n = (long) rows * cols;
                    long nonZero = Arrays.stream(q.codes().toIntArray()).filter(c -> c != 0).count();
                    // The scale of γ·W̃: absmean γ·nnz/n; the lower median is γ unless zeros fill the lower half.
                    double expected = measure == Ternary.Measure.ABSMEAN ? q.scale() * (double) nonZero / n
                            : n - nonZero <= (n - 1) / 2 ? q.scale() : 0;
                    expected = Math.max(expected, 1e-5);
                    assertThat((double) again.scale()).isCloseTo(expected, within(Math.ulp((float) expected) * 2.0));
                });
    }

    @Test
    void activationCodesMatchTheFloat64ReferenceAndTheErrorBound() {
        qt().withExamples(60).forAll(longs().all(), integers().between(1, 16), integers().between(1, 64), integers().between(0, 1))
                .checkAssert((seed, rows, cols, qi) -> {
                    int q = qi == 0 ? 127 : 128;
                    SplittableRandom r = new SplittableRandom(seed);
                    Tensor x = Tensor.randn(Generator.seeded(seed), DType.FLOAT32, rows, cols).mul(Math.pow(10, r.nextDouble(-2, 2)));
                    QuantizedActivations a = ActivationQuant.absmax(x, q);
                    assertThat(a.scales().shape()).containsExactly(rows, 1);
                    double[] xv = x.toDoubleArray();
                    int[] codes = a.codes().toIntArray();
                    double[] deq = a.dequantize().toDoubleArray();
                    double[] scales = a.scales().toDoubleArray();
                    for (int i = 0; i < rows; i++) {
                        double eta = 0;
                        for (int j = 0; j < cols; j++) {
                            eta = Math.max(eta, Math.abs(xv[i * cols + j]));
                        }
                        double s = q / Math.max(eta, 1e-5);
                        // The scale is Q/η computed in float32: within one float32 ulp of the float64 value.
                        assertThat(scales[i]).isCloseTo(s, within(Math.ulp((float) s) * 1.0));
                        for (int j = 0; j < cols; j++) {
                            int k = i * cols + j;
                            double scaled = xv[k] * s;
                            int expected = (int) Math.max(-128, Math.min(127, Math.rint(scaled)));
                            if (!nearBoundary(scaled)) {
                                assertThat(codes[k]).as("x·s = %s", scaled).isEqualTo(expected);
                            }
                            // Property 4: |x - x̃/s| <= η/(2Q) where not clipped (Q = 128 clips the row
                            // maximum's +128 to 127); slack η·1e-6 for the float32 products.
                            if (Math.rint(scaled) <= 127) {
                                assertThat(Math.abs(xv[k] - deq[k])).isLessThanOrEqualTo(eta / (2.0 * q) + eta * 1e-6);
                            }
                        }
                    }
                });
    }

    @Test
    void activationCodesAreInvariantToPositiveRowScaling() {
        qt().withExamples(40).forAll(longs().all(), integers().between(1, 8), integers().between(1, 40)).checkAssert((seed, rows, cols) -> {
            SplittableRandom r = new SplittableRandom(seed);
            Tensor x = Tensor.randn(Generator.seeded(seed), DType.FLOAT32, rows, cols);
            // Per-row powers of two scale exactly, so codes are identical.
            double[] c = new double[rows];
            for (int i = 0; i < rows; i++) {
                c[i] = Math.scalb(1.0, r.nextInt(-8, 9));
            }
            Tensor scaled = x.mul(Tensor.of(c, rows, 1).to(DType.FLOAT32));
            assertThat(ActivationQuant.absmax8(scaled).codes().toIntArray()).containsExactly(ActivationQuant.absmax8(x).codes().toIntArray());
        });
    }

    @Test
    void gaussianWeightStatisticsMatchTheory() {
        // Property 7: for W ~ N(0, 1), E|W| = sqrt(2/π) = 0.7979 and P(|W| < γ/2) = 0.3101; the median
        // of |W| is 0.6745 and P(|W| < 0.6745/2) = 0.2641. With n = 10^6 the sampling standard errors
        // are below 0.001, so ±0.002 holds with margin.
        Tensor w = Tensor.randn(Generator.seeded(20240717L), DType.FLOAT32, 1000, 1000);
        TernaryTensor mean = Ternary.absmean(w);
        assertThat((double) mean.scale()).isCloseTo(Math.sqrt(2 / Math.PI), within(0.002));
        assertThat(mean.zeroFraction()).isCloseTo(0.3101, within(0.002));
        TernaryTensor median = Ternary.absmedian(w);
        assertThat((double) median.scale()).isCloseTo(0.6745, within(0.002));
        assertThat(median.zeroFraction()).isCloseTo(0.2641, within(0.002));
    }
}
