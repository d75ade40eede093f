package dev.jacobi.algorithms.bitnet;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The worked examples of the BitNet b1.58 spec (section 5), exact, and the errors for bad input. */
class QuantizationWorkedExamplesTest {

    private static int[] codes(TernaryTensor t) {
        return t.codes().toIntArray();
    }

    @Test
    void absmeanOfTheTwoByTwoExample() {
        TernaryTensor q = Ternary.absmean(Tensor.of(new float[] {0.2f, -0.5f, 0.05f, 1.0f}, 2, 2));
        assertThat(q.scale()).isEqualTo(0.4375f);
        assertThat(q.codes().dtype()).isEqualTo(DType.INT8);
        assertThat(q.codes().shape()).containsExactly(2, 2);
        assertThat(codes(q)).containsExactly(0, -1, 0, 1);
        assertThat(q.dequantize().toFloatArray()).containsExactly(0f, -0.4375f, 0f, 0.4375f);
        assertThat(Ternary.dequantize(q).toFloatArray()).containsExactly(0f, -0.4375f, 0f, 0.4375f);
    }

    @Test
    void tiesRoundHalfToEven() {
        // W/γ = [0.5, 1.5]: half-to-even gives [0, 2 -> 1]; half-up would give [1, 1].
        TernaryTensor q = Ternary.absmean(Tensor.of(new float[] {1, 3}, 2));
        assertThat(q.scale()).isEqualTo(2f);
        assertThat(codes(q)).containsExactly(0, 1);
    }

    @Test
    void activationsWithQ127() {
        QuantizedActivations a = ActivationQuant.absmax8(Tensor.of(new float[] {0.25f, -0.5f, 1.0f}, 3));
        assertThat(a.codes().dtype()).isEqualTo(DType.INT8);
        // 0.5·127 = 63.5 rounds to even 64 (Math.round(-63.5) would give -63).
        assertThat(a.codes().toIntArray()).containsExactly(32, -64, 127);
        assertThat(a.scales().shape()).containsExactly(1);
        assertThat(a.scales().item()).isEqualTo(127.0);
        float[] deq = a.dequantize().toFloatArray();
        assertThat(deq[0]).isCloseTo(0.2519685f, within(1e-7f));
        assertThat(deq[1]).isCloseTo(-0.5039370f, within(1e-7f));
        assertThat(deq[2]).isEqualTo(1.0f);
    }

    @Test
    void activationsWithQ128ClipTo127() {
        QuantizedActivations a = ActivationQuant.absmax(Tensor.of(new float[] {0.25f, -0.5f, 1.0f}, 1, 3), 128);
        assertThat(a.codes().toIntArray()).containsExactly(32, -64, 127);
        assertThat(a.scales().shape()).containsExactly(1, 1);
        assertThat(a.dequantize().toFloatArray()).containsExactly(0.25f, -0.5f, 0.9921875f);
    }

    @Test
    void medianResistsTheOutlierWhereTheMeanDoesNot() {
        Tensor w = Tensor.of(new float[] {0.1f, -0.2f, 0.3f, -4.0f}, 4);
        TernaryTensor median = Ternary.absmedian(w);
        assertThat(median.scale()).isEqualTo(0.2f);
        // 0.1/0.2 = 0.5 ties to 0; 0.3/0.2 = 1.5 rounds to 2, clipped to 1.
        assertThat(codes(median)).containsExactly(0, -1, 1, -1);
        TernaryTensor mean = Ternary.absmean(w);
        assertThat(mean.scale()).isCloseTo(1.15f, within(1e-6f));
        assertThat(codes(mean)).containsExactly(0, 0, 0, -1);
    }

    @Test
    void medianOfAnEvenCountIsTheLowerMiddleValue() {
        // |W| sorted: 1, 2, 5, 6 -> torch.median gives 2 (NumPy's median would give 3.5).
        assertThat(Ternary.absmedian(Tensor.of(new float[] {6, -1, 2, -5}, 4)).scale()).isEqualTo(2f);
        assertThat(Ternary.absmedian(Tensor.of(new float[] {6, -1, 2}, 3)).scale()).isEqualTo(2f);
    }

    @Test
    void epsilonsClampTheScales() {
        TernaryTensor zeros = Ternary.absmean(Tensor.zeros(DType.FLOAT32, 3, 2));
        assertThat(zeros.scale()).isEqualTo((float) Ternary.EPS);
        assertThat(codes(zeros)).containsOnly(0);
        QuantizedActivations a = ActivationQuant.absmax8(Tensor.of(new float[] {0, 0, 1e-6f, 0}, 2, 2));
        // Computed in float32, as PyTorch: 127 / float(1e-5), rounded to float32.
        double s = (float) (127 / (double) (float) 1e-5);
        assertThat(a.scales().toDoubleArray()).containsExactly(s, s);
        // 1e-6 · 127/1e-5 = 12.7 -> 13
        assertThat(a.codes().toIntArray()).containsExactly(0, 0, 13, 0);
    }

    @Test
    void badWeightsAreRejectedWithTheirDtypeShapeOrIndex() {
        assertThatThrownBy(() -> Ternary.absmean(Tensor.ofInts(new int[] {1, 2}, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("Ternary.absmean:").hasMessageContaining("int32");
        assertThatThrownBy(() -> Ternary.absmedian(Tensor.zeros(DType.FLOAT32, 0, 4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("Ternary.absmedian:").hasMessageContaining("[0, 4]");
        assertThatThrownBy(() -> Ternary.absmean(Tensor.of(new float[] {1, Float.NaN, 2, 3}, 2, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("element 1").hasMessageContaining("NaN");
        assertThatThrownBy(() -> Ternary.absmedian(Tensor.of(new double[] {1, Double.POSITIVE_INFINITY}, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Infinity");
        assertThatThrownBy(() -> Ternary.absmean(Tensor.complex(new double[] {1}, new double[] {1}, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("complex");
        assertThatThrownBy(() -> Ternary.dequantize(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void badActivationsAreRejected() {
        assertThatThrownBy(() -> ActivationQuant.absmax8(Tensor.ofBytes(new byte[] {1}, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ActivationQuant.absmax:").hasMessageContaining("int8");
        assertThatThrownBy(() -> ActivationQuant.absmax8(Tensor.scalar(1.0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[]");
        assertThatThrownBy(() -> ActivationQuant.absmax8(Tensor.zeros(DType.FLOAT32, 2, 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[2, 0]");
        assertThatThrownBy(() -> ActivationQuant.absmax8(Tensor.of(new float[] {1, Float.NaN}, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
        assertThatThrownBy(() -> ActivationQuant.absmax(Tensor.of(new float[] {1}, 1), 255))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("255");
    }
}
