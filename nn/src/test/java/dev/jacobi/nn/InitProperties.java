package dev.jacobi.nn;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * Initializers against the formulas of torch.nn.init, written out here independently: uniform ones stay
 * inside their exact bound, and the sample mean and variance of a large tensor match the formula.
 *
 * <p>Tolerances: for n i.i.d. samples of variance s², the sample variance has standard deviation about
 * s² sqrt(2/n) (normal) or s² sqrt(0.8/n) (uniform: kurtosis 1.8), and the mean s/sqrt(n). With
 * n = 2^18 that is below 0.3% of s²; we allow 2% (about 7 standard deviations), so a wrong gain
 * (the closest ones differ by 15%) or fan always fails and a right one never does.
 */
class InitProperties {
    private static final int[] BIG = {512, 128, 2, 2};

    @Test
    void fansFollowPyTorch() {
        assertThat(Init.Fans.of(new int[] {5, 3})).isEqualTo(new Init.Fans(3, 5));
        assertThat(Init.Fans.of(new int[] {8, 4, 3, 2})).isEqualTo(new Init.Fans(24, 48));
        assertThatThrownBy(() -> Init.Fans.of(new int[] {5})).hasMessageContaining("at least 2 dimensions");
    }

    @Test
    void gainsFollowCalculateGain() {
        assertThat(Init.gain(Init.Nonlinearity.LINEAR, 0)).isEqualTo(1);
        assertThat(Init.gain(Init.Nonlinearity.SIGMOID, 0)).isEqualTo(1);
        assertThat(Init.gain(Init.Nonlinearity.TANH, 0)).isEqualTo(5.0 / 3);
        assertThat(Init.gain(Init.Nonlinearity.RELU, 0)).isEqualTo(Math.sqrt(2));
        assertThat(Init.gain(Init.Nonlinearity.LEAKY_RELU, 0.01)).isEqualTo(Math.sqrt(2 / 1.0001));
        assertThat(Init.gain(Init.Nonlinearity.LEAKY_RELU, Math.sqrt(5))).isCloseTo(Math.sqrt(1.0 / 3), within(1e-15));
        assertThat(Init.gain(Init.Nonlinearity.SELU, 0)).isEqualTo(0.75);
    }

    @Test
    void kaimingUniformStaysInsideItsBoundWithTheFormulasVariance() {
        for (Init.FanMode mode : Init.FanMode.values()) {
            for (Init.Nonlinearity nl : new Init.Nonlinearity[] {Init.Nonlinearity.RELU, Init.Nonlinearity.LEAKY_RELU, Init.Nonlinearity.LINEAR}) {
                double a = 0.2;
                Tensor t = Init.kaimingUniform(Tensor.zeros(DType.FLOAT32, BIG), a, mode, nl, Generator.seeded(1));
                double fan = mode == Init.FanMode.FAN_IN ? 128 * 4 : 512 * 4;
                double gain = switch (nl) {
                    case RELU -> Math.sqrt(2);
                    case LEAKY_RELU -> Math.sqrt(2 / (1 + a * a));
                    default -> 1;
                };
                double bound = Math.sqrt(3) * gain / Math.sqrt(fan);
                checkUniform(t, bound, mode + " " + nl);
            }
        }
    }

    @Test
    void kaimingNormalHasTheFormulasMoments() {
        Tensor t = Init.kaimingNormal(Tensor.zeros(DType.FLOAT32, BIG), 0, Init.FanMode.FAN_OUT, Init.Nonlinearity.RELU,
                Generator.seeded(2));
        double std = Math.sqrt(2) / Math.sqrt(512 * 4);
        checkMoments(t, std * std, "kaiming normal");
    }

    @Test
    void xavierHasTheFormulasBoundAndMoments() {
        double gain = 5.0 / 3;
        double std = gain * Math.sqrt(2.0 / (128 * 4 + 512 * 4));
        checkUniform(Init.xavierUniform(Tensor.zeros(DType.FLOAT32, BIG), gain, Generator.seeded(3)), Math.sqrt(3) * std,
                "xavier uniform");
        checkMoments(Init.xavierNormal(Tensor.zeros(DType.FLOAT32, BIG), gain, Generator.seeded(4)), std * std, "xavier normal");
    }

    @Test
    void normalAndUniformAndConstants() {
        Tensor n = Init.normal(Tensor.zeros(DType.FLOAT32, BIG), 3, 0.5, Generator.seeded(5));
        double[] v = n.toDoubleArray();
        double mean = java.util.Arrays.stream(v).average().orElseThrow();
        assertThat(mean).isCloseTo(3, within(0.02 * 0.5));
        checkMoments(Init.normal(Tensor.zeros(DType.FLOAT32, BIG), 0, 0.5, Generator.seeded(5)), 0.25, "normal");
        Tensor u = Init.uniform(Tensor.zeros(DType.FLOAT64, BIG), -1, 3, Generator.seeded(6));
        assertThat(java.util.Arrays.stream(u.toDoubleArray()).boxed().toList()).allMatch(x -> x >= -1 && x < 3);
        assertThat(Init.ones(Tensor.zeros(DType.FLOAT32, 3)).toDoubleArray()).containsOnly(1);
        assertThat(Init.zeros(Tensor.ones(DType.FLOAT32, 3)).toDoubleArray()).containsOnly(0);
        assertThat(Init.constant(Tensor.ones(DType.FLOAT32, 3), 7).toDoubleArray()).containsOnly(7);
    }

    @Test
    void sameSeedSameValuesAndParametersCanBeFilled() {
        qt().withExamples(20).forAll(longs().all(), integers().between(1, 9), integers().between(1, 9)).checkAssert((seed, o, i) -> {
            Tensor a = Init.kaimingUniform(Tensor.zeros(DType.FLOAT32, o, i).requiresGrad(true), Math.sqrt(5),
                    Init.FanMode.FAN_IN, Init.Nonlinearity.LEAKY_RELU, Generator.seeded(seed));
            Tensor b = Init.kaimingUniform(Tensor.zeros(DType.FLOAT32, o, i), Math.sqrt(5), Init.FanMode.FAN_IN,
                    Init.Nonlinearity.LEAKY_RELU, Generator.seeded(seed));
            assertThat(a.toFloatArray()).containsExactly(b.toFloatArray());
            // PyTorch's Linear default: a = sqrt(5) gives the bound 1/sqrt(fan_in) exactly (up to float rounding of the bound).
            double bound = 1 / Math.sqrt(i);
            assertThat(java.util.Arrays.stream(a.toDoubleArray()).boxed().toList()).allMatch(x -> Math.abs(x) <= bound * (1 + 1e-6));
        });
    }

    /** Every value inside [-bound, bound] (bound rounded to float32 allows 1e-6 relative), variance bound²/3. */
    private static void checkUniform(Tensor t, double bound, String what) {
        double[] v = t.toDoubleArray();
        for (double x : v) {
            assertThat(Math.abs(x)).as(what).isLessThanOrEqualTo(bound * (1 + 1e-6));
        }
        checkMoments(t, bound * bound / 3, what);
        // The extremes come close to the bound: U(-b, b) with 2^18 samples leaves a gap above 0.1% with probability e^-262.
        double max = java.util.Arrays.stream(v).map(Math::abs).max().orElseThrow();
        assertThat(max).as(what).isGreaterThan(bound * 0.999);
    }

    private static void checkMoments(Tensor t, double variance, String what) {
        double[] v = t.toDoubleArray();
        double mean = java.util.Arrays.stream(v).average().orElseThrow();
        double var = java.util.Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / v.length;
        assertThat(mean).as(what + " mean").isCloseTo(0, within(0.02 * Math.sqrt(variance)));
        assertThat(var).as(what + " variance").isCloseTo(variance, within(0.02 * variance));
    }
}
