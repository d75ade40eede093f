package dev.jacobi.tensor.ops;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.cpu.WorkerThreads;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The gradients of layer norm over the last dimension in two passes per row, for float32 tensors on
 * the CPU: with x-hat = (x - mean) r, r = 1 / sqrt(var + eps) and gh = g w,
 * {@code gx = r (gh - mean(gh) - x-hat mean(gh x-hat))}, {@code gw = sum over rows of g x-hat},
 * {@code gb = sum over rows of g}. The same formulas written with tensor ops (the autograd rule that
 * gradients of gradients use) take some fifteen passes over memory; this was a fifth of a transformer
 * training step. Statistics and sums run in double; rows split across threads, each summing its own
 * gw and gb, added in thread order (deterministic).
 */
public final class LayerNormBackward {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;

    private LayerNormBackward() {
    }

    /** True when {@link #gradients} applies: float32 CPU tensors of the layer norm's shapes. */
    public static boolean applies(Tensor x, Tensor weight, Tensor g) {
        return x.dtype() == DType.FLOAT32 && g.dtype() == DType.FLOAT32 && x.rank() >= 1
                && (weight == null || weight.dtype() == DType.FLOAT32) && x.device() == dev.jacobi.tensor.Device.CPU && g.device() == dev.jacobi.tensor.Device.CPU
                && java.util.Arrays.equals(x.shape(), g.shape()) && x.numel() > 0;
    }

    /**
     * {gx, gw, gb} for the layer norm of {@code x} with {@code weight} (null: 1), given the output's
     * gradient {@code g}; gw and gb are null when {@code weight} or the bias is absent (as {@code needed} says).
     */
    public static Tensor[] gradients(Tensor x, Tensor weight, Tensor g, double eps, boolean[] needed) {
        int[] shape = x.shape();
        int n = shape[shape.length - 1];
        int rows = Math.toIntExact(x.numel() / n);
        Tensor xc = x.contiguous();
        Tensor gc = g.contiguous();
        float[] w = weight == null ? null : weight.contiguous().toFloatArray();
        Tensor gx = Tensor.uninitialized(DType.FLOAT32, shape);
        MemorySegment xs = xc.storage().segment();
        MemorySegment gs = gc.storage().segment();
        MemorySegment os = gx.storage().segment();
        long xo = xc.offset();
        long go = gc.offset();
        int parts = (int) Math.max(1, Math.min(WorkerThreads.count(), (long) rows * n / (1 << 15)));
        double[][] gwParts = new double[parts][n];
        double[][] gbParts = new double[parts][n];
        Runnable[] tasks = new Runnable[parts];
        for (int p = 0; p < parts; p++) {
            int from = (int) ((long) rows * p / parts);
            int to = (int) ((long) rows * (p + 1) / parts);
            double[] gw = gwParts[p];
            double[] gb = gbParts[p];
            tasks[p] = () -> {
                float[] xr = new float[n];
                float[] gr = new float[n];
                float[] out = new float[n];
                for (int r = from; r < to; r++) {
                    MemorySegment.copy(xs, F32, (xo + (long) r * n) * 4, xr, 0, n);
                    MemorySegment.copy(gs, F32, (go + (long) r * n) * 4, gr, 0, n);
                    row(xr, gr, w, eps, out, gw, gb);
                    MemorySegment.copy(out, 0, os, F32, (long) r * n * 4, n);
                }
            };
        }
        WorkerThreads.runAll(tasks);
        Tensor gwT = needed.length > 1 && needed[1] ? sum(gwParts, n) : null;
        Tensor gbT = needed.length > 2 && needed[2] ? sum(gbParts, n) : null;
        return new Tensor[] {needed[0] ? gx : null, gwT, gbT};
    }

    private static void row(float[] x, float[] g, float[] w, double eps, float[] out, double[] gw, double[] gb) {
        int n = x.length;
        double mean = 0;
        for (int i = 0; i < n; i++) {
            mean += x[i];
        }
        mean /= n;
        double var = 0;
        for (int i = 0; i < n; i++) {
            double c = x[i] - mean;
            var += c * c;
        }
        double rstd = 1 / Math.sqrt(var / n + eps);
        double sumGh = 0;
        double sumGhXhat = 0;
        for (int i = 0; i < n; i++) {
            double xhat = (x[i] - mean) * rstd;
            double gh = w == null ? g[i] : g[i] * (double) w[i];
            sumGh += gh;
            sumGhXhat += gh * xhat;
            gw[i] += g[i] * xhat;
            gb[i] += g[i];
        }
        double meanGh = sumGh / n;
        double meanGhXhat = sumGhXhat / n;
        for (int i = 0; i < n; i++) {
            double xhat = (x[i] - mean) * rstd;
            double gh = w == null ? g[i] : g[i] * (double) w[i];
            out[i] = (float) (rstd * (gh - meanGh - xhat * meanGhXhat));
        }
    }

    private static Tensor sum(double[][] parts, int n) {
        float[] total = new float[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (double[] part : parts) {
                s += part[i];
            }
            total[i] = (float) s;
        }
        return Tensor.of(total, n);
    }
}
