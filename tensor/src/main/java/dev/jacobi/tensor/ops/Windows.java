package dev.jacobi.tensor.ops;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Storage;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.device.Devices;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Constant padding and sliding windows: {@link #pad} ({@code torch.nn.functional.pad}, constant mode),
 * {@link #im2col} ({@code torch.nn.functional.unfold}) and its adjoint {@link #col2im}
 * ({@code torch.nn.functional.fold}), for every dtype.
 *
 * <p>Window geometry, per spatial dimension with input size {@code H}, kernel {@code k}, dilation
 * {@code d}, padding {@code p} and stride {@code s}: there are {@code (H + 2p - d(k-1) - 1) / s + 1}
 * window positions, and position {@code o} with kernel offset {@code i} reads input row
 * {@code o*s - p + i*d} (zero when that falls in the padding).
 */
public final class Windows {
    /** Rows shorter than this are copied element by element: a bulk segment copy costs more to set up. */
    private static final int BULK_COPY_MIN = 16;

    private Windows() {
    }

    /**
     * Pads {@code t} with the constant {@code value} (cast to its dtype; imaginary part 0). {@code padding}
     * holds (before, after) pairs for the last dimension, then the one before it, and so on; dimensions
     * without a pair are unchanged. Negative amounts crop. The result is a new contiguous tensor.
     *
     * @throws IllegalArgumentException when {@code padding} has odd length, more pairs than {@code t} has
     *                                  dimensions, or a dimension would become negative
     */
    public static Tensor pad(Tensor t, int[] padding, double value) {
        Devices.requireCpu("pad", t);
        int[] shape = t.shape();
        if (padding.length % 2 != 0 || padding.length / 2 > shape.length) {
            throw new IllegalArgumentException("pad: padding " + Arrays.toString(padding) + " must hold (before, after) pairs,"
                    + " at most one per dimension of shape " + Shapes.format(shape));
        }
        int[] outShape = shape.clone();
        int[] before = new int[shape.length];
        for (int p = 0; p < padding.length / 2; p++) {
            int d = shape.length - 1 - p;
            long size = (long) shape[d] + padding[2 * p] + padding[2 * p + 1];
            if (size < 0 || size > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("pad: padding " + Arrays.toString(padding) + " makes dimension " + d
                        + " of shape " + Shapes.format(shape) + " " + size + " long");
            }
            outShape[d] = (int) size;
            before[d] = padding[2 * p];
        }
        t.storage().checkAlive();
        Tensor out = Tensor.full(t.dtype(), value, outShape);
        // Copy the part of t that survives the cropping into its place in the output.
        Tensor from = t;
        Tensor to = out;
        for (int d = 0; d < shape.length; d++) {
            int srcStart = Math.max(0, -before[d]);
            int dstStart = Math.max(0, before[d]);
            int n = Math.min(shape[d] - srcStart, outShape[d] - dstStart);
            if (n <= 0) {
                return out;
            }
            from = from.slice(d, srcStart, srcStart + n);
            to = to.slice(d, dstStart, dstStart + n);
        }
        to.copyFrom(from);
        return out;
    }

    /**
     * im2col: every sliding {@code kernel}-sized block of a [N, C, H, W] tensor as a column of the
     * [N, C*kh*kw, L] result, where L = outH * outW window positions in row-major order; row
     * {@code (c*kh + i)*kw + j} holds channel c at kernel offset (i, j), as {@code torch.nn.functional.unfold}.
     * A [C, H, W] input gives a [C*kh*kw, L] result. Padding reads as zeros.
     *
     * @param kernel   (kh, kw), positive
     * @param dilation (dh, dw), positive: distance between kernel taps
     * @param padding  (ph, pw), non-negative: zeros added on both sides
     * @param stride   (sh, sw), positive: distance between window positions
     * @throws IllegalArgumentException when the rank or a parameter is wrong, or no window fits
     */
    public static Tensor im2col(Tensor t, int[] kernel, int[] dilation, int[] padding, int[] stride) {
        Devices.requireCpu("im2col", t);
        if (t.rank() == 3) {
            return im2col(t.unsqueeze(0), kernel, dilation, padding, stride).squeeze(0);
        }
        if (t.rank() != 4) {
            throw new IllegalArgumentException("im2col: input must be [N, C, H, W] or [C, H, W], shape is " + Shapes.format(t.shape()));
        }
        int[] s = t.shape();
        Geometry g = Geometry.of("im2col", s[2], s[3], kernel, dilation, padding, stride);
        int n = s[0];
        int c = s[1];
        int rows = Math.multiplyExact(c, g.kh * g.kw);
        Tensor out = Tensor.empty(t.dtype(), n, rows, Math.multiplyExact(g.outH, g.outW));
        if (out.numel() == 0) {
            return out;
        }
        long[] st = t.strides();
        MemorySegment src = t.storage().segment();
        MemorySegment dst = out.storage().segment();
        int bytes = t.dtype().byteSize();
        long l = (long) g.outH * g.outW;
        // One task per (image, channel): each writes its own kh*kw output rows, so tasks never share memory.
        // Positions in the padding are left as the zeros Tensor.empty gives.
        forEachPlane(n * c, out.numel(), plane -> {
            int ni = plane / c;
            int ci = plane % c;
            long srcPlane = t.offset() + ni * st[0] + ci * st[1];
            for (int ki = 0; ki < g.kh; ki++) {
                for (int kj = 0; kj < g.kw; kj++) {
                    long dstRow = ((long) plane * g.kh * g.kw + (long) ki * g.kw + kj) * l;
                    int ow0 = g.firstCol(kj);
                    int ow1 = g.endCol(kj, s[3]);
                    if (ow0 >= ow1) {
                        continue;
                    }
                    int len = ow1 - ow0;
                    for (int oh = 0; oh < g.outH; oh++) {
                        int ih = oh * g.sh - g.ph + ki * g.dh;
                        if (ih < 0 || ih >= s[2]) {
                            continue;
                        }
                        long from = srcPlane + ih * st[2] + (long) (ow0 * g.sw - g.pw + kj * g.dw) * st[3];
                        long to = dstRow + (long) oh * g.outW + ow0;
                        long step = g.sw * st[3];
                        if (step == 1 && len >= BULK_COPY_MIN) {
                            MemorySegment.copy(src, from * bytes, dst, to * bytes, (long) len * bytes);
                        } else {
                            for (int i = 0; i < len; i++) {
                                ElementMoves.copy(src, from + i * step, dst, to + i, bytes);
                            }
                        }
                    }
                }
            }
        });
        return out;
    }

    /**
     * col2im: the adjoint of {@link #im2col}. Sums the [N, C*kh*kw, L] columns back into a [N, C, H, W]
     * tensor, {@code outputSize} = (H, W), adding the values of overlapping windows and dropping those
     * that fall in the padding, as {@code torch.nn.functional.fold}. A [C*kh*kw, L] input gives [C, H, W].
     * Sums are rounded to the dtype after each addition and run in a fixed order (kernel row, kernel
     * column, window position), so results are reproducible.
     *
     * @throws IllegalArgumentException when the rank, a parameter, the row count (not a multiple of
     *                                  kh*kw) or L (not the number of windows of {@code outputSize}) is wrong
     */
    public static Tensor col2im(Tensor t, int[] outputSize, int[] kernel, int[] dilation, int[] padding, int[] stride) {
        Devices.requireCpu("col2im", t);
        if (t.rank() == 2) {
            return col2im(t.unsqueeze(0), outputSize, kernel, dilation, padding, stride).squeeze(0);
        }
        if (t.rank() != 3) {
            throw new IllegalArgumentException("col2im: input must be [N, C*kh*kw, L] or [C*kh*kw, L], shape is "
                    + Shapes.format(t.shape()));
        }
        if (outputSize.length != 2 || outputSize[0] < 0 || outputSize[1] < 0) {
            throw new IllegalArgumentException("col2im: outputSize must be two non-negative sizes (H, W), got "
                    + Arrays.toString(outputSize));
        }
        int[] s = t.shape();
        int h = outputSize[0];
        int w = outputSize[1];
        Geometry g = Geometry.of("col2im", h, w, kernel, dilation, padding, stride);
        int taps = g.kh * g.kw;
        long l = (long) g.outH * g.outW;
        if (s[1] % taps != 0 || s[2] != l) {
            throw new IllegalArgumentException("col2im: input of shape " + Shapes.format(s) + " does not fit kernel "
                    + Arrays.toString(kernel) + " over output size " + Arrays.toString(outputSize) + ": needs C*" + taps
                    + " rows and " + l + " columns (" + g.outH + " x " + g.outW + " windows)");
        }
        int n = s[0];
        int c = s[1] / taps;
        Tensor out = Tensor.empty(t.dtype(), n, c, h, w);
        if (t.numel() == 0 || out.numel() == 0) {
            return out;
        }
        long[] st = t.strides();
        Storage src = t.storage();
        Storage dst = out.storage();
        src.checkAlive();
        forEachPlane(n * c, t.numel(), plane -> {
            int ni = plane / c;
            int ci = plane % c;
            long dstPlane = (long) plane * h * w;
            for (int ki = 0; ki < g.kh; ki++) {
                for (int kj = 0; kj < g.kw; kj++) {
                    long srcRow = t.offset() + ni * st[0] + ((long) ci * taps + (long) ki * g.kw + kj) * st[1];
                    int ow0 = g.firstCol(kj);
                    int ow1 = g.endCol(kj, w);
                    for (int oh = 0; oh < g.outH; oh++) {
                        int ih = oh * g.sh - g.ph + ki * g.dh;
                        if (ih < 0 || ih >= h) {
                            continue;
                        }
                        long to = dstPlane + (long) ih * w + (ow0 * g.sw - g.pw + kj * g.dw);
                        long from = srcRow + ((long) oh * g.outW + ow0) * st[2];
                        for (int i = 0; i < ow1 - ow0; i++) {
                            ElementMoves.add(src, from + i * st[2], dst, to + (long) i * g.sw);
                        }
                    }
                }
            }
        });
        return out;
    }

    /** Runs {@code body} for planes 0..count-1, in parallel when the work is large enough to pay for it. */
    private static void forEachPlane(int count, long work, java.util.function.IntConsumer body) {
        IntStream planes = IntStream.range(0, count);
        if (work >= Loops.PARALLEL_THRESHOLD && count > 1) {
            planes = planes.parallel();
        }
        planes.forEach(body);
    }

    /** Checked window parameters for one 2-D geometry, and the resulting numbers of window positions. */
    private record Geometry(int kh, int kw, int dh, int dw, int ph, int pw, int sh, int sw, int outH, int outW) {
        static Geometry of(String op, int h, int w, int[] kernel, int[] dilation, int[] padding, int[] stride) {
            check(op, "kernel", kernel, 1);
            check(op, "dilation", dilation, 1);
            check(op, "padding", padding, 0);
            check(op, "stride", stride, 1);
            long outH = windows(h, kernel[0], dilation[0], padding[0], stride[0]);
            long outW = windows(w, kernel[1], dilation[1], padding[1], stride[1]);
            if (outH < 1 || outW < 1) {
                throw new IllegalArgumentException(op + ": kernel " + Arrays.toString(kernel) + " with dilation "
                        + Arrays.toString(dilation) + " does not fit a " + h + " x " + w + " image padded by "
                        + Arrays.toString(padding) + " (" + outH + " x " + outW + " windows)");
            }
            if (outH * outW > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(op + ": " + outH + " x " + outW + " windows are too many");
            }
            return new Geometry(kernel[0], kernel[1], dilation[0], dilation[1], padding[0], padding[1],
                    stride[0], stride[1], (int) outH, (int) outW);
        }

        private static long windows(int size, int k, int d, int p, int s) {
            long span = (long) d * (k - 1) + 1;
            long room = size + 2L * p - span;
            return room < 0 ? 0 : room / s + 1;
        }

        private static void check(String op, String name, int[] v, int min) {
            if (v.length != 2 || v[0] < min || v[1] < min) {
                throw new IllegalArgumentException(op + ": " + name + " must be two values >= " + min + ", got "
                        + Arrays.toString(v));
            }
        }

        /** First window column whose tap {@code kj} lands inside the image (not in the left padding). */
        int firstCol(int kj) {
            long need = (long) pw - (long) kj * dw; // ow*sw >= need
            return need <= 0 ? 0 : (int) Math.min(outW, (need + sw - 1) / sw);
        }

        /** One past the last window column whose tap {@code kj} lands inside an image of width {@code w}. */
        int endCol(int kj, int w) {
            long limit = (long) w - 1 + pw - (long) kj * dw; // ow*sw <= limit
            return limit < 0 ? 0 : (int) Math.min(outW, limit / sw + 1);
        }
    }
}
