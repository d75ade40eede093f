package dev.jacobi.cl.ops;

import dev.jacobi.cl.ClContext;
import dev.jacobi.cl.ClTensor;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;

import java.util.Arrays;
import java.util.Map;

/**
 * One level of the 2-D periodization wavelet transform on the device ({@code wavelet2d.cl}), the
 * per-level step of WaLLoC's packet transform: analysis [..., H, W] -> [..., 4, H/2, W/2] with bands
 * LL, H (high-pass along the height), V (along the width), D, as PyWavelets' {@code dwt2(x, w,
 * mode='periodization')}; synthesis back. Filters are PyWavelets' lists (e.g. {@code
 * pywt.Wavelet('bior4.4').dec_lo}), of one even length; the module holds no wavelet names.
 */
public final class ClWavelet2D {
    private ClWavelet2D() {
    }

    /**
     * Analysis by the filters {@code decLo}, {@code decHi}: x [..., H, W] (float32, H and W even) ->
     * [..., 4, H/2, W/2].
     *
     * @throws IllegalArgumentException for odd or zero H or W, rank below 2, a non-float32 input or filters of
     *                                  different or odd lengths
     */
    public static ClTensor analysis(ClTensor x, double[] decLo, double[] decHi) {
        String op = "ClWavelet2D.analysis";
        ClOps.checkFloat32(op, x);
        int len = checkFilters(op, decLo, decHi);
        int r = x.rank();
        if (r < 2 || x.size(-2) % 2 != 0 || x.size(-1) % 2 != 0 || x.size(-2) == 0 || x.size(-1) == 0) {
            throw new IllegalArgumentException(op + ": expected [..., H, W] with H and W even and positive, got "
                    + Shapes.format(x.shape()));
        }
        int h = x.size(-2);
        int w = x.size(-1);
        int planes = (int) (x.numel() / ((long) h * w));
        int[] outShape = Arrays.copyOf(x.shape(), r + 1);
        outShape[r - 2] = 4;
        outShape[r - 1] = h / 2;
        outShape[r] = w / 2;
        return run(x, "wavelet2d_analysis", reversed(decLo), reversed(decHi), len, h, w, planes,
                new long[] {w / 2, h / 2, planes}, outShape);
    }

    /**
     * Synthesis by the filters {@code recLo}, {@code recHi}: y [..., 4, h, w] -> [..., 2h, 2w].
     *
     * @throws IllegalArgumentException when axis -3 is not 4 long, and as {@link #analysis}
     */
    public static ClTensor synthesis(ClTensor y, double[] recLo, double[] recHi) {
        String op = "ClWavelet2D.synthesis";
        ClOps.checkFloat32(op, y);
        int len = checkFilters(op, recLo, recHi);
        int r = y.rank();
        if (r < 3 || y.size(-3) != 4 || y.size(-2) == 0 || y.size(-1) == 0) {
            throw new IllegalArgumentException(op + ": expected [..., 4, h, w] (bands LL, H, V, D), got "
                    + Shapes.format(y.shape()));
        }
        int h = y.size(-2);
        int w = y.size(-1);
        int planes = (int) (y.numel() / (4L * h * w));
        int[] outShape = Arrays.copyOf(y.shape(), r - 1);
        outShape[r - 3] = 2 * h;
        outShape[r - 2] = 2 * w;
        return run(y, "wavelet2d_synthesis", recLo, recHi, len, h, w, planes,
                new long[] {2L * w, 2L * h, planes}, outShape);
    }

    private static ClTensor run(ClTensor in, String kernel, double[] lo, double[] hi, int len, int h, int w, int planes,
                                long[] global, int[] outShape) {
        ClContext ctx = in.context();
        ClTensor out = ClTensor.empty(ctx, DType.FLOAT32, outShape);
        if (planes == 0) {
            return out;
        }
        ClTensor c = in.contiguous();
        try (ClTensor tapsLo = ClTensor.from(ctx, Tensor.of(toFloat(lo), len));
             ClTensor tapsHi = ClTensor.from(ctx, Tensor.of(toFloat(hi), len))) {
            var p = ctx.kernels().program(ClWavelet2D.class, "wavelet2d.cl", Map.of("L", len));
            p.launch(kernel).arg(c.buffer()).arg(c.offset()).arg(out.buffer()).arg(tapsLo.buffer()).arg(tapsHi.buffer())
                    .arg(h).arg(w).run(global, null);
        } finally {
            if (c != in) {
                c.close();
            }
        }
        return out;
    }

    private static int checkFilters(String op, double[] lo, double[] hi) {
        if (lo.length == 0 || lo.length % 2 != 0 || hi.length != lo.length) {
            throw new IllegalArgumentException(op + ": filters must have one even, positive length; got "
                    + lo.length + " and " + hi.length);
        }
        return lo.length;
    }

    private static double[] reversed(double[] f) {
        double[] r = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            r[i] = f[f.length - 1 - i];
        }
        return r;
    }

    private static float[] toFloat(double[] f) {
        float[] r = new float[f.length];
        for (int i = 0; i < f.length; i++) {
            r[i] = (float) f[i];
        }
        return r;
    }
}
