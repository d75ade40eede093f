package dev.jacobi.tensor;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Type promotion and the half-precision storage conversions. */
class DTypeTest {

    @Test
    void promotionFollowsTheDocumentedLattice() {
        List<DType> order = List.of(DType.BOOL, DType.INT8, DType.INT32, DType.FLOAT32, DType.FLOAT64,
                DType.COMPLEX64, DType.COMPLEX128);
        for (int i = 0; i < order.size(); i++) {
            for (int j = 0; j < order.size(); j++) {
                DType expected = order.get(Math.max(i, j));
                if ((order.get(i) == DType.FLOAT64 && order.get(j) == DType.COMPLEX64)
                        || (order.get(j) == DType.FLOAT64 && order.get(i) == DType.COMPLEX64)) {
                    expected = DType.COMPLEX128;
                }
                assertThat(DType.promote(order.get(i), order.get(j))).isEqualTo(expected);
            }
        }
        assertThat(DType.promote(DType.FLOAT16, DType.BFLOAT16)).isEqualTo(DType.FLOAT32);
        assertThat(DType.promote(DType.INT32, DType.BFLOAT16)).isEqualTo(DType.BFLOAT16);
        assertThat(DType.promote(DType.FLOAT16, DType.FLOAT32)).isEqualTo(DType.FLOAT32);
        for (DType a : DType.values()) {
            for (DType b : DType.values()) {
                assertThat(DType.promote(a, b)).isEqualTo(DType.promote(b, a));
            }
        }
    }

    @Test
    void bfloat16RoundTripsEveryPatternAndRoundsToNearestEven() {
        for (int bits = 0; bits < 1 << 16; bits++) {
            float f = BFloat16.toFloat((short) bits);
            short back = BFloat16.fromFloat(f);
            if (Float.isNaN(f)) {
                assertThat(Float.isNaN(BFloat16.toFloat(back))).isTrue();
            } else {
                assertThat(back & 0xFFFF).isEqualTo(bits);
            }
        }
        // Halfway between 1.0 (0x3F80) and the next bfloat16 (0x3F81): ties go to the even one.
        assertThat(BFloat16.fromFloat(Float.intBitsToFloat(0x3F808000))).isEqualTo((short) 0x3F80);
        assertThat(BFloat16.fromFloat(Float.intBitsToFloat(0x3F818000))).isEqualTo((short) 0x3F82);
        assertThat(BFloat16.fromFloat(Float.intBitsToFloat(0x3F808001))).isEqualTo((short) 0x3F81);
        assertThat(BFloat16.toFloat(BFloat16.fromFloat(Float.MAX_VALUE))).isInfinite();
    }

    @Test
    void castsStoreAsDocumented() {
        Tensor t = Tensor.of(new double[] {-2.7, 0.5, 300.25, 1e-8}, 4);
        assertThat(t.to(DType.INT32).toIntArray()).containsExactly(-2, 0, 300, 0);
        assertThat(t.to(DType.INT8).toIntArray()).containsExactly(-2, 0, 44, 0); // 300 wraps mod 256
        assertThat(t.to(DType.BOOL).toIntArray()).containsExactly(1, 1, 1, 1);
        assertThat(t.to(DType.FLOAT16).toDoubleArray()).containsExactly(-2.69921875, 0.5, 300.25, 0.0); // 1e-8 is below half the smallest float16 subnormal (6e-8)
        assertThat(t.to(DType.BFLOAT16).toDoubleArray()).containsExactly(-2.703125, 0.5, 300.0, 1.0011717677116394E-8);
        Tensor c = t.to(DType.COMPLEX64);
        assertThat(c.imag().toDoubleArray()).containsOnly(0.0);
        assertThat(c.real().toFloatArray()).containsExactly(-2.7f, 0.5f, 300.25f, 1e-8f);
    }
}
