package dev.jacobi.algorithms.bitnet.kernels;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.jacobi.algorithms.bitnet.kernels.TernaryCases.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * The packed layouts: the spec's worked bytes (I2_S byte 0x92 and the all-zero 0x55 block, the TL1
 * pair indices), exact pack/unpack round trips on random ternary matrices (exact: no arithmetic), and
 * the errors for bad codes.
 */
class PackedTernaryProperties {
    @Test
    void i2sBytesFollowTheSpecWorkedExample() {
        byte[] c = new byte[2 * 128];
        c[0] = 1;   // code 2
        c[32] = 0;  // code 1
        c[64] = -1; // code 0
        c[96] = 1;  // code 2
        PackedTernary.I2S p = PackedTernary.i2s(Tensor.ofBytes(c, 2, 128));
        byte[] data = bytes(p.data());
        assertThat(data[0] & 0xFF).isEqualTo(0x92);
        for (int j = 32; j < 64; j++) { // the second row is all zero: 0x55 bytes
            assertThat(data[j] & 0xFF).as("byte %d", j).isEqualTo(0x55);
        }
        assertThat(p.bytes()).isEqualTo(64);
        assertThat(p.rows()).isEqualTo(2);
        assertThat(p.cols()).isEqualTo(128);
    }

    @Test
    void tl1PairIndicesFollowTheSpec() {
        byte[] c = {-1, -1, 0, 0, 1, 1, 1, -1};
        PackedTernary.TL1 p = PackedTernary.tl1(Tensor.ofBytes(c, 1, 8));
        byte[] data = bytes(p.data()); // [1 group, 2 quads, 32 rows]; rows 1..31 padding
        assertThat(data[0] & 0xFF).isEqualTo(0 | 4 << 4);
        assertThat(data[32] & 0xFF).isEqualTo(8 | 6 << 4);
        assertThat(data[1] & 0xFF).as("padding row").isEqualTo(4 | 4 << 4);
    }

    @Test
    void packingRoundTripsExactly() {
        qt().withExamples(60).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            int rows = 1 + rnd.nextInt(70);
            boolean i2s = rnd.nextBoolean();
            int cols = i2s ? 128 * (1 + rnd.nextInt(3)) : 4 * (1 + rnd.nextInt(60));
            byte[] c = TernaryCases.codes(rnd, rows, cols, rnd.nextDouble());
            Tensor codes = Tensor.ofBytes(c, rows, cols);
            PackedTernary p = i2s ? PackedTernary.i2s(codes) : PackedTernary.tl1(codes);
            Tensor back = p.unpack();
            assertThat(back.dtype()).isEqualTo(DType.INT8);
            assertThat(back.shape()).containsExactly(rows, cols);
            assertThat(bytes(back)).as("%s [%d, %d] seed %d", p.getClass().getSimpleName(), rows, cols, seed).isEqualTo(c);
        });
    }

    @Test
    void transposedCodesArePackedByValue() {
        Random rnd = new Random(3);
        byte[] c = TernaryCases.codes(rnd, 128, 8, 0.3);
        Tensor t = Tensor.ofBytes(c, 128, 8).transpose(0, 1); // [8, 128], not contiguous
        assertThat(bytes(PackedTernary.i2s(t).unpack())).isEqualTo(bytes(t.contiguous()));
        assertThat(bytes(PackedTernary.tl1(t).unpack())).isEqualTo(bytes(t.contiguous()));
    }

    @Test
    void badCodesAreRejectedWithTheirShapeAndValue() {
        assertThatThrownBy(() -> PackedTernary.i2s(Tensor.zeros(DType.FLOAT32, 2, 128)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PackedTernary.i2s")
                .hasMessageContaining("float32").hasMessageContaining("[2, 128]");
        assertThatThrownBy(() -> PackedTernary.tl1(Tensor.zeros(DType.INT8, 128)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[128]");
        assertThatThrownBy(() -> PackedTernary.i2s(Tensor.zeros(DType.INT8, 2, 100)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("in = 100")
                .hasMessageContaining("block size 128");
        assertThatThrownBy(() -> PackedTernary.tl1(Tensor.zeros(DType.INT8, 2, 6)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("block size 4");
        byte[] c = new byte[2 * 128];
        c[130] = 2;
        assertThatThrownBy(() -> PackedTernary.i2s(Tensor.ofBytes(c, 2, 128)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("code 2 at [1, 2]");
        c[130] = -2;
        assertThatThrownBy(() -> PackedTernary.tl1(Tensor.ofBytes(c, 2, 128)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("code -2 at [1, 2]");
    }
}
