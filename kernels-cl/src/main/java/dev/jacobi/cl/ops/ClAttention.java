package dev.jacobi.cl.ops;

import dev.jacobi.cl.ClContext;
import dev.jacobi.cl.ClDeviceType;
import dev.jacobi.cl.ClTensor;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Shapes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Scaled dot-product attention on the device with {@code flash_attention.cl} (FlashAttention forward:
 * the score matrix is never stored; see the comment at the top of the kernel).
 */
public final class ClAttention {
    /** Largest head dimension: the kernel keeps a query row and an output row in private memory. */
    public static final int MAX_HEAD_DIM = 256;

    private ClAttention() {
    }

    /**
     * {@code softmax(scale * q k^T + bias) v} for q [..., Lq, D], k and v [..., Lk, D] with equal leading
     * (batch and head) dimensions; the result has q's shape.
     *
     * @param causal      when true, query i attends to keys j &lt;= i only
     * @param alibiSlopes null, or a 1-D float32 tensor with one slope per head (the dimension just before
     *                    Lq): adds {@code slope * (j - i)} to the score of query i and key j
     * @param scale       the factor on q k^T, usually {@code 1 / sqrt(D)}
     * @throws IllegalArgumentException for mismatched shapes, D &gt; {@value #MAX_HEAD_DIM}, a non-float32
     *                                  input, or slopes that do not match the heads
     */
    public static ClTensor flashAttention(ClTensor q, ClTensor k, ClTensor v, boolean causal, ClTensor alibiSlopes,
                                          double scale) {
        String op = "flash_attention";
        for (ClTensor t : new ClTensor[] {q, k, v}) {
            ClOps.checkFloat32(op, t);
            ClOps.checkSameContext(op, q, t);
        }
        if (q.rank() < 2 || k.rank() != q.rank() || v.rank() != q.rank()) {
            throw new IllegalArgumentException(op + ": q, k, v need the same rank (at least 2), shapes are "
                    + Shapes.format(q.shape()) + ", " + Shapes.format(k.shape()) + ", " + Shapes.format(v.shape()));
        }
        int r = q.rank();
        int[] lead = Arrays.copyOf(q.shape(), r - 2);
        int d = q.size(-1);
        int lq = q.size(-2);
        int lk = k.size(-2);
        if (!Arrays.equals(Arrays.copyOf(k.shape(), r - 2), lead) || !Arrays.equals(Arrays.copyOf(v.shape(), r - 2), lead)
                || k.size(-1) != d || v.size(-1) != d || v.size(-2) != lk) {
            throw new IllegalArgumentException(op + ": expected k and v of shape [..., Lk, " + d + "] with the batch "
                    + "dimensions of q, got q " + Shapes.format(q.shape()) + ", k " + Shapes.format(k.shape())
                    + ", v " + Shapes.format(v.shape()));
        }
        if (d > MAX_HEAD_DIM || d == 0) {
            throw new IllegalArgumentException(op + ": head dimension " + d + " is outside [1, " + MAX_HEAD_DIM + "]");
        }
        int heads = r >= 3 ? q.size(-3) : 1;
        if (alibiSlopes != null) {
            ClOps.checkFloat32(op, alibiSlopes);
            if (alibiSlopes.rank() != 1 || alibiSlopes.size(0) != heads) {
                throw new IllegalArgumentException(op + ": ALiBi slopes must have shape [" + heads + "] (one per head), got "
                        + Shapes.format(alibiSlopes.shape()));
            }
        }
        ClContext ctx = q.context();
        ClTensor out = ClTensor.empty(ctx, DType.FLOAT32, q.shape());
        long bh = Shapes.numel(lead);
        if (out.numel() == 0 || lk == 0) {
            return out; // nothing to compute; with no keys the output is left unspecified, as 0/0 would be
        }
        List<ClTensor> temps = new ArrayList<>();
        ClTensor qc = own(q.contiguous(), q, temps);
        ClTensor kc = own(k.contiguous(), k, temps);
        ClTensor vc = own(v.contiguous(), v, temps);
        ClTensor sl = alibiSlopes == null ? null : own(alibiSlopes.contiguous(), alibiSlopes, temps);
        boolean cpu = ctx.device().type() == ClDeviceType.CPU;
        int br = (int) Math.min(cpu ? 16 : 64, ctx.device().maxWorkGroupSize());
        int bc = (int) Math.max(1, Math.min(cpu ? 16 : 32, ctx.device().localMemBytes() / (8L * d) / 2));
        var p = ctx.kernels().program("flash_attention.cl", Map.of("HEAD_DIM", d, "BR", br, "BC", bc));
        p.launch("flash_attention_fwd").arg(qc.buffer()).arg(qc.offset()).arg(kc.buffer()).arg(kc.offset())
                .arg(vc.buffer()).arg(vc.offset()).arg(out.buffer())
                .arg(lq).arg(lk).arg(heads).arg((float) scale).arg(causal ? 1 : 0)
                .arg(sl == null ? qc.buffer() : sl.buffer()).arg(sl == null ? 0L : sl.offset()).arg(sl == null ? 0 : 1)
                .run(new long[] {(long) (lq + br - 1) / br * br, bh}, new long[] {br, 1});
        temps.forEach(ClTensor::close);
        return out;
    }

    private static ClTensor own(ClTensor made, ClTensor original, List<ClTensor> temps) {
        if (made != original) {
            temps.add(made);
        }
        return made;
    }
}
