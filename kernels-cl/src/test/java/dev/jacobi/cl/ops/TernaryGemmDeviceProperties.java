package dev.jacobi.cl.ops;

import dev.jacobi.cl.ClContext;
import dev.jacobi.cl.ClTensor;
import dev.jacobi.cl.ClTestSupport;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * The device I2_S product against a dense int product of the codes written here (64-bit sums), equal
 * exactly since both are integer sums within int32. The weights are packed here from the layout's
 * definition (bitnet.cpp's I2_S, as {@link ClTernaryGemm} documents it), so the test also pins the
 * byte layout: the spec's worked byte 0x92 is checked first. Batches are odd and not multiples of the
 * kernel's 4-row tiles; activations span the whole int8 range.
 */
class TernaryGemmDeviceProperties {
    @Test
    void packerHereMatchesTheSpecWorkedByte() {
        byte[] c = new byte[128];
        c[0] = 1;
        c[32] = 0;
        c[64] = -1;
        c[96] = 1;
        byte[] packed = pack(c, 1, 128);
        assertThat(packed[0] & 0xFF).isEqualTo(0x92);
        assertThat(packed[1] & 0xFF).isEqualTo(0x55); // columns 1, 33, 65, 97 all zero
    }

    @Test
    void productsEqualTheDenseIntReference() {
        ClContext ctx = ClTestSupport.context();
        qt().withExamples(25).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            int rows = 1 + rnd.nextInt(40);
            int cols = 128 * (1 + rnd.nextInt(4));
            int batch = 1 + rnd.nextInt(9);
            boolean vector = batch == 1 && rnd.nextBoolean();
            byte[] codes = new byte[rows * cols];
            for (int i = 0; i < codes.length; i++) {
                codes[i] = (byte) (rnd.nextInt(3) - 1);
            }
            byte[] x = new byte[batch * cols];
            for (int i = 0; i < x.length; i++) {
                x[i] = (byte) rnd.nextInt(256);
            }
            try (ClTensor w = ClTensor.from(ctx, Tensor.ofBytes(pack(codes, rows, cols), rows, cols / 4));
                 ClTensor xd = ClTensor.from(ctx, vector ? Tensor.ofBytes(x, cols) : Tensor.ofBytes(x, batch, cols));
                 ClTensor y = ClTernaryGemm.multiplyI2S(w, rows, cols, xd)) {
                Tensor back = y.toCpu();
                assertThat(back.dtype()).isEqualTo(DType.INT32);
                assertThat(back.shape()).isEqualTo(vector ? new int[] {rows} : new int[] {batch, rows});
                double[] got = back.toDoubleArray();
                for (int b = 0; b < batch; b++) {
                    for (int o = 0; o < rows; o++) {
                        long expected = 0;
                        for (int i = 0; i < cols; i++) {
                            expected += (long) codes[o * cols + i] * x[b * cols + i];
                        }
                        assertThat((long) got[b * rows + o]).as("[%d, %d] batch %d: y[%d, %d], seed %d", rows, cols, batch, b, o, seed)
                                .isEqualTo(expected);
                    }
                }
            }
        });
    }

    @Test
    void badOperandsAreRejected() {
        ClContext ctx = ClTestSupport.context();
        try (ClTensor w = ClTensor.from(ctx, Tensor.zeros(DType.INT8, 2, 32));
             ClTensor x = ClTensor.from(ctx, Tensor.zeros(DType.INT8, 3, 64))) {
            assertThatThrownBy(() -> ClTernaryGemm.multiplyI2S(w, 2, 100, x))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiple of 128");
            assertThatThrownBy(() -> ClTernaryGemm.multiplyI2S(w, 3, 128, x))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("96 contiguous int8 bytes");
            assertThatThrownBy(() -> ClTernaryGemm.multiplyI2S(w, 2, 128, x))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[3, 64]");
        }
    }

    /** I2_S packing from its definition: byte j of block k = c[i] << 6 | c[i+32] << 4 | c[i+64] << 2 | c[i+96], i = 128k + j. */
    private static byte[] pack(byte[] codes, int rows, int cols) {
        byte[] out = new byte[rows * cols / 4];
        for (int o = 0; o < rows; o++) {
            for (int k = 0; k < cols / 128; k++) {
                for (int j = 0; j < 32; j++) {
                    int i = o * cols + 128 * k + j;
                    out[o * cols / 4 + 32 * k + j] = (byte) ((codes[i] + 1) << 6 | (codes[i + 32] + 1) << 4
                            | (codes[i + 64] + 1) << 2 | (codes[i + 96] + 1));
                }
            }
        }
        return out;
    }
}
