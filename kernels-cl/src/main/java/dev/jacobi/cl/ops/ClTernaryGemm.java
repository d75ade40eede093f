package dev.jacobi.cl.ops;

import dev.jacobi.cl.ClContext;
import dev.jacobi.cl.ClTensor;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Shapes;

import java.util.Map;

/**
 * BitNet b1.58 inference products on the device ({@code ternary_gemm.cl}): ternary weights W [rows, cols]
 * packed in bitnet.cpp's I2_S layout times int8 activations X [batch, cols], exact in int32:
 * {@code Y[b, o] = sum_i W[o, i] X[b, i]}.
 *
 * <p>I2_S bytes (the same as {@code PackedTernary.I2S} of the algorithms module, whose {@code data()}
 * tensor can be copied here as it is): code {@code c = w + 1} (-1 -> 00, 0 -> 01, +1 -> 10); each row
 * is {@code cols / 128} blocks of 32 bytes, rows one after another ({@code rows * cols / 4} bytes);
 * byte {@code j} (0..31) of block {@code k} of row {@code o} holds columns {@code i = 128 k + j},
 * {@code i + 32}, {@code i + 64}, {@code i + 96} as {@code c[i] << 6 | c[i+32] << 4 | c[i+64] << 2 | c[i+96]}.
 *
 * <p>From a module that sees both (bench): {@code ClTernaryGemm.multiplyI2S(ClTensor.from(ctx, w.data()),
 * w.rows(), w.cols(), ClTensor.from(ctx, x))} for {@code PackedTernary.I2S w}.
 *
 * <p>One work-group of {@value #GROUP} items per output row and {@value #BATCH_TILE} activation rows,
 * so a batch of 1 is a GEMV over the weights and larger batches read each weight byte once per 4 rows.
 */
public final class ClTernaryGemm {
    /** Weights per I2_S block. */
    public static final int BLOCK = 128;
    /** Work-items per output row. */
    static final int GROUP = 64;
    /** Activation rows per work-group. */
    static final int BATCH_TILE = 4;

    private ClTernaryGemm() {
    }

    /**
     * The exact product of I2_S-packed weights with int8 activations.
     *
     * @param packed INT8 tensor of the {@code rows * cols / 4} packed bytes (any shape, contiguous)
     * @param rows   output features
     * @param cols   input features, a multiple of {@value #BLOCK}
     * @param x      INT8 activations [batch, cols], or [cols]
     * @return INT32 [batch, rows], or [rows] when x is 1-D
     * @throws IllegalArgumentException when dtypes, sizes or contexts do not fit
     */
    public static ClTensor multiplyI2S(ClTensor packed, int rows, int cols, ClTensor x) {
        String op = "ClTernaryGemm.multiplyI2S";
        if (rows < 0 || cols < 0 || cols % BLOCK != 0) {
            throw new IllegalArgumentException(op + ": weights [" + rows + ", " + cols + "] need cols a multiple of " + BLOCK);
        }
        if (packed.dtype() != DType.INT8 || !packed.isContiguous() || packed.numel() != (long) rows * cols / 4) {
            throw new IllegalArgumentException(op + ": packed weights for [" + rows + ", " + cols + "] must be "
                    + (long) rows * cols / 4 + " contiguous int8 bytes, got " + packed.dtype() + " "
                    + Shapes.format(packed.shape()));
        }
        if (x.dtype() != DType.INT8 || x.rank() < 1 || x.rank() > 2 || x.size(-1) != cols) {
            throw new IllegalArgumentException(op + ": activations must be int8 [batch, " + cols + "] or [" + cols
                    + "] for weights [" + rows + ", " + cols + "], got " + x.dtype() + " " + Shapes.format(x.shape()));
        }
        ClOps.checkSameContext(op, packed, x);
        boolean vector = x.rank() == 1;
        int batch = vector ? 1 : x.size(0);
        ClTensor xs = x;
        if (!x.isContiguous()) { // int8 has no device copy kernel: gather on the host
            xs = ClTensor.from(x.context(), x.toCpu());
        }
        ClContext ctx = x.context();
        ClTensor y = ClTensor.empty(ctx, DType.INT32, vector ? new int[] {rows} : new int[] {batch, rows});
        if (rows > 0 && batch > 0) {
            ctx.kernels().program("ternary_gemm.cl", Map.of("WG", GROUP, "BT", BATCH_TILE))
                    .launch("i2s_gemm").arg(rows).arg(cols).arg(batch)
                    .arg(packed.buffer()).arg(packed.offset()).arg(xs.buffer()).arg(xs.offset())
                    .arg(y.buffer()).arg(0L)
                    .run(new long[] {(long) rows * GROUP, (batch + BATCH_TILE - 1) / BATCH_TILE}, new long[] {GROUP, 1});
        }
        if (xs != x) {
            xs.close();
        }
        return y;
    }
}
