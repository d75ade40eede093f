package dev.jacobi.cl.ops;

import dev.jacobi.cl.ClContext;
import dev.jacobi.cl.ClProgram;
import dev.jacobi.cl.ClTensor;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Shapes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Matrix products on the device with {@code gemm.cl}: batched, with NumPy's {@code matmul} rules (1-D
 * operands promoted to a row or column, batch dimensions broadcast), transposed operands read in place
 * through their strides. Tile sizes come from {@link ClGemmTuner#configFor}.
 */
public final class ClGemm {
    /** OpenCL implementations may cap the third global dimension at 65535 (NVIDIA's does): launch in slices. */
    private static final long MAX_BATCH_PER_LAUNCH = 65535;

    private ClGemm() {
    }

    /** {@code a @ b} with the device's tuned tiles. */
    public static ClTensor matmul(ClTensor a, ClTensor b) {
        return matmul(a, b, ClGemmTuner.configFor(a.context()));
    }

    /**
     * {@code op(a) @ op(b)} where op transposes the last two dimensions when asked (a view: no copy).
     */
    public static ClTensor matmul(ClTensor a, boolean transposeA, ClTensor b, boolean transposeB) {
        return matmul(transposeA ? a.mT() : a, transposeB ? b.mT() : b);
    }

    /**
     * {@code a @ b} with the given tiles (for the tuner and tests).
     *
     * @throws IllegalArgumentException when an operand is 0-D or not float32, the inner dimensions differ,
     *                                  or the batch dimensions do not broadcast
     */
    public static ClTensor matmul(ClTensor a, ClTensor b, GemmTileConfig tiles) {
        ClOps.checkFloat32("matmul", a);
        ClOps.checkFloat32("matmul", b);
        ClOps.checkSameContext("matmul", a, b);
        if (a.rank() == 0 || b.rank() == 0) {
            throw new IllegalArgumentException("matmul: operands need at least 1 dimension, shapes are "
                    + Shapes.format(a.shape()) + " x " + Shapes.format(b.shape()));
        }
        boolean rowVector = a.rank() == 1;
        boolean colVector = b.rank() == 1;
        ClTensor a2 = rowVector ? a.unsqueeze(0) : a;
        ClTensor b2 = colVector ? b.unsqueeze(1) : b;
        int m = a2.size(-2);
        int k = a2.size(-1);
        int n = b2.size(-1);
        if (b2.size(-2) != k) {
            throw new IllegalArgumentException("matmul: inner dimensions differ: " + Shapes.format(a.shape()) + " x "
                    + Shapes.format(b.shape()));
        }
        int[] batch = Shapes.broadcast("matmul", Arrays.copyOf(a2.shape(), a2.rank() - 2),
                Arrays.copyOf(b2.shape(), b2.rank() - 2));
        int[] outShape = Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        ClContext ctx = a.context();
        ClTensor out = ClTensor.empty(ctx, DType.FLOAT32, outShape);
        long batches = Shapes.numel(batch);
        if (out.numel() > 0) {
            List<ClTensor> temps = new ArrayList<>();
            ClTensor ea = flatBatch(a2.expand(concat(batch, m, k)), batch, temps);
            ClTensor eb = flatBatch(b2.expand(concat(batch, k, n)), batch, temps);
            launch(ctx, tiles, m, n, k, batches, ea, eb, out);
            temps.forEach(ClTensor::close);
        }
        List<Integer> keep = new ArrayList<>();
        for (int s : outShape) {
            keep.add(s);
        }
        if (colVector) {
            keep.remove(keep.size() - 1);
        }
        if (rowVector) {
            keep.remove(keep.size() - (colVector ? 1 : 2));
        }
        if (rowVector || colVector) {
            return out.reshape(keep.stream().mapToInt(Integer::intValue).toArray());
        }
        return out;
    }

    /**
     * {@code x} (shape batch + [r, c]) as a rank-3 view [numel(batch), r, c] whose batch dimension has one
     * stride; when the batch dimensions do not merge into one stride, a contiguous copy (added to temps).
     */
    private static ClTensor flatBatch(ClTensor x, int[] batch, List<ClTensor> temps) {
        long[] st = x.strides();
        int rank = x.rank();
        long flatStride = 0;
        boolean ok = true;
        long inner = -1; // the stride the next-outer batch dimension must have
        for (int d = batch.length - 1; d >= 0; d--) {
            if (batch[d] == 1) {
                continue;
            }
            if (inner < 0) {
                flatStride = st[d];
            } else if (st[d] != inner) {
                ok = false;
            }
            inner = st[d] * batch[d];
        }
        int r = x.size(-2);
        int c = x.size(-1);
        long[] strides = {flatStride, st[rank - 2], st[rank - 1]};
        if (!ok) {
            ClTensor copy = ClOps.contiguous(x);
            temps.add(copy);
            return ClTensor.view(copy.buffer(), DType.FLOAT32, new int[] {(int) Shapes.numel(batch), r, c},
                    new long[] {(long) r * c, c, 1}, copy.offset());
        }
        return ClTensor.view(x.buffer(), DType.FLOAT32, new int[] {(int) Shapes.numel(batch), r, c}, strides, x.offset());
    }

    private static void launch(ClContext ctx, GemmTileConfig t, int m, int n, int k, long batches,
                               ClTensor a, ClTensor b, ClTensor c) {
        ClProgram p = ctx.kernels().program("gemm.cl", t.defines());
        long[] sa = a.strides();
        long[] sb = b.strides();
        // A(m, k): rows along m (sa[1]), depth along k (sa[2]); B is read as B'(n, k): rows along n (sb[2]).
        int dirA = sa[2] != 1 && sa[1] == 1 ? 1 : 0;
        int vecA = sa[2] == 1 || sa[1] == 1 ? 1 : 0;
        int dirB = sb[1] != 1 && sb[2] == 1 ? 1 : 0;
        int vecB = sb[1] == 1 || sb[2] == 1 ? 1 : 0;
        long[] local = {t.wgx(), t.wgy(), 1};
        long gx = (long) (n + t.blockN() - 1) / t.blockN() * t.wgx();
        long gy = (long) (m + t.blockM() - 1) / t.blockM() * t.wgy();
        for (long b0 = 0; b0 < batches; b0 += MAX_BATCH_PER_LAUNCH) {
            long count = Math.min(MAX_BATCH_PER_LAUNCH, batches - b0);
            p.launch("gemm").arg(m).arg(n).arg(k)
                    .arg(a.buffer()).arg(a.offset() + b0 * sa[0]).arg(sa[1]).arg(sa[2]).arg(sa[0]).arg(dirA).arg(vecA)
                    .arg(b.buffer()).arg(b.offset() + b0 * sb[0]).arg(sb[1]).arg(sb[2]).arg(sb[0]).arg(dirB).arg(vecB)
                    .arg(c.buffer()).arg(c.offset() + b0 * m * (long) n).arg((long) n).arg(1L).arg((long) m * n)
                    .arg(1f).arg(0f).run(new long[] {gx, gy, count}, local);
        }
    }

    private static int[] concat(int[] batch, int r, int c) {
        int[] s = Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = r;
        s[batch.length + 1] = c;
        return s;
    }
}
