package dev.jacobi.nn.attention;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * ALiBi slopes against values written out by hand from the paper's rule (powers of two: the geometric
 * sequence starting at 2^(-8/n); otherwise the closest lower power of two's slopes, then every other
 * slope of the doubled count), as the MosaicBERT spec lists them for 12 heads. Slopes are powers of two
 * with exponents of at most a few bits, so float32 holds the float64 values up to one rounding: 1 ulp.
 */
class AlibiTest {
    private static void assertSlopes(int heads, double... exponents) {
        float[] slopes = Alibi.slopes(heads);
        assertThat(slopes).hasSize(heads);
        for (int h = 0; h < heads; h++) {
            float expected = (float) Math.pow(2, exponents[h]);
            assertThat(slopes[h]).as("head %d of %d", h, heads).isCloseTo(expected, org.assertj.core.api.Assertions.within(Math.ulp(expected)));
        }
    }

    @Test
    void slopesFollowThePaperForPowersOfTwoAndOtherCounts() {
        assertSlopes(1, -8);
        assertSlopes(2, -4, -8);
        assertSlopes(3, -4, -8, -2);
        assertSlopes(6, -2, -4, -6, -8, -1, -3);
        assertSlopes(8, -1, -2, -3, -4, -5, -6, -7, -8);
        assertSlopes(12, -1, -2, -3, -4, -5, -6, -7, -8, -0.5, -1.5, -2.5, -3.5);
        assertSlopes(16, -0.5, -1, -1.5, -2, -2.5, -3, -3.5, -4, -4.5, -5, -5.5, -6, -6.5, -7, -7.5, -8);
    }

    @Test
    void zeroHeadsAreRefused() {
        assertThatThrownBy(() -> Alibi.slopes(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Alibi.slopes: heads must be at least 1, got 0");
    }
}
