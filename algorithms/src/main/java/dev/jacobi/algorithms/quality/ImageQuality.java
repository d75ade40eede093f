package dev.jacobi.algorithms.quality;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;

import java.util.Arrays;

/**
 * Full-reference image quality: PSNR, SSIM and MS-SSIM of a reconstruction {@code b} against a reference
 * {@code a}, computed in float64 whatever the input type.
 *
 * <p><b>Layout.</b> Images are channel-first: {@code [H, W]} (grey), {@code [C, H, W]} or
 * {@code [N, C, H, W]}. SSIM and MS-SSIM are computed for each {@code H x W} plane separately and then
 * averaged over channels and images, as scikit-image does for {@code channel_axis} and {@code piq} for
 * batches and channels. {@code dataRange} is the span of the pixel values ({@code 1} for [0, 1] data,
 * {@code 255} for 8-bit values).
 *
 * <p><b>SSIM</b> (Wang et al. 2004): an 11 x 11 Gaussian window, sigma 1.5 ({@code w(i, j) = g(i) g(j)},
 * {@code g(k) ∝ exp(-k²/(2·1.5²))}, k = -5..5, normalised to 1), population (co)variances
 * {@code σx² = w∗x² − μx²}, {@code σxy = w∗xy − μxμy}, {@code c1 = (0.01 L)²}, {@code c2 = (0.03 L)²}, the
 * map {@code (2μxμy + c1)(2σxy + c2) / ((μx² + μy² + c1)(σx² + σy² + c2))} averaged over the window
 * positions that lie wholly inside the image (a valid convolution). This equals scikit-image's
 * {@code structural_similarity(gaussian_weights=True, use_sample_covariance=False, sigma=1.5,
 * data_range=L)}, which filters with reflected borders and then crops the 5 border pixels whose windows
 * reached outside. No prior downsampling (piq's {@code ssim} downsamples images above 256 pixels by
 * default; this does not).
 *
 * <p><b>MS-SSIM convention</b> (Wang et al. 2003, as {@code piq.multi_scale_ssim}): 5 scales with weights
 * {@link #MS_SSIM_WEIGHTS} (their sum is 1.0001; not renormalised). Scale 1 is the image; before each
 * later scale both images are padded by one replicated row on top and one replicated column on the
 * left when their height or width is odd, then averaged over 2 x 2 blocks (stride 2, a last odd row or
 * column dropped). At each scale s the spatial means {@code cs_s} of the contrast-structure map and
 * {@code ssim_s} of the SSIM map are taken (same window and constants as SSIM); per plane,
 * {@code MS-SSIM = Π_{s=1..4} relu(cs_s)^{β_s} · relu(ssim_5)^{β_5}}, then the mean over planes. The
 * relu keeps a negative mean from making a fractional power undefined. Both sides must be at least
 * {@value #MS_SSIM_MIN_SIDE} pixels so that the coarsest scale still holds an 11 x 11 window.
 *
 * <p>Computed in plain float64 loops (these are evaluation metrics, not training losses).
 */
public final class ImageQuality {
    /** Taps of the Gaussian window along each axis. */
    public static final int WINDOW = 11;
    /** Standard deviation of the Gaussian window, in pixels. */
    public static final double SIGMA = 1.5;
    /** SSIM's luminance constant factor: {@code c1 = (K1 L)²}. */
    public static final double K1 = 0.01;
    /** SSIM's contrast constant factor: {@code c2 = (K2 L)²}. */
    public static final double K2 = 0.03;
    /** Standard MS-SSIM scale weights β1..β5 (Wang et al. 2003), finest scale first. */
    public static final double[] MS_SSIM_WEIGHTS = {0.0448, 0.2856, 0.3001, 0.2363, 0.1333};
    /** The smallest height and width MS-SSIM accepts: (11 − 1)·2⁴ + 1. */
    public static final int MS_SSIM_MIN_SIDE = (WINDOW - 1) * (1 << (5 - 1)) + 1;

    private static final double[] GAUSSIAN = gaussianTaps();

    private ImageQuality() {
    }

    /**
     * Peak signal-to-noise ratio {@code 10 log10(L² / MSE)} in dB, MSE the mean over every pixel and
     * channel; {@code +Infinity} when the images are equal.
     *
     * @throws IllegalArgumentException when the shapes differ, a tensor is complex or empty, or {@code dataRange}
     *                                  is not positive and finite
     */
    public static double psnr(Tensor a, Tensor b, double dataRange) {
        check("psnr", a, b, dataRange, 1);
        double[] x = values(a);
        double[] y = values(b);
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            double d = x[i] - y[i];
            sum += d * d;
        }
        double mse = sum / x.length;
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(dataRange * dataRange / mse);
    }

    /**
     * The mean structural similarity (see the class comment), in [-1, 1]; 1 for equal images.
     *
     * @throws IllegalArgumentException when the shapes differ or are not [H, W], [C, H, W] or
     *                                  [N, C, H, W], a side is below 11, a tensor is complex or empty, or
     *                                  {@code dataRange} is not positive and finite
     */
    public static double ssim(Tensor a, Tensor b, double dataRange) {
        check("ssim", a, b, dataRange, WINDOW);
        Plane[] x = planes(a, dataRange);
        Plane[] y = planes(b, dataRange);
        double sum = 0;
        for (int p = 0; p < x.length; p++) {
            sum += statistics(x[p], y[p])[0];
        }
        return sum / x.length;
    }

    /**
     * Multi-scale structural similarity in the convention of the class comment, in [0, 1.0001]; 1 for
     * equal images.
     *
     * @throws IllegalArgumentException when the shapes differ or are not [H, W], [C, H, W] or
     *                                  [N, C, H, W], a side is below {@value #MS_SSIM_MIN_SIDE}, a tensor is
     *                                  complex or empty, or {@code dataRange} is not positive and finite
     */
    public static double msSsim(Tensor a, Tensor b, double dataRange) {
        check("msSsim", a, b, dataRange, MS_SSIM_MIN_SIDE);
        Plane[] xs = planes(a, dataRange);
        Plane[] ys = planes(b, dataRange);
        double sum = 0;
        for (int p = 0; p < xs.length; p++) {
            Plane x = xs[p];
            Plane y = ys[p];
            double product = 1;
            for (int s = 0; s < MS_SSIM_WEIGHTS.length; s++) {
                if (s > 0) {
                    x = x.halve();
                    y = y.halve();
                }
                double[] st = statistics(x, y);
                double term = s < MS_SSIM_WEIGHTS.length - 1 ? st[1] : st[0];
                product *= Math.pow(Math.max(term, 0), MS_SSIM_WEIGHTS[s]);
            }
            sum += product;
        }
        return sum / xs.length;
    }

    /** The window's taps along one axis (they sum to 1). */
    public static double[] gaussianWindow() {
        return GAUSSIAN.clone();
    }

    /** One {@code h x w} image plane, row-major. */
    private record Plane(double[] v, int h, int w) {
        Plane map(Plane o, java.util.function.DoubleBinaryOperator f) {
            double[] r = new double[v.length];
            for (int i = 0; i < r.length; i++) {
                r[i] = f.applyAsDouble(v[i], o.v[i]);
            }
            return new Plane(r, h, w);
        }

        /** Separable valid Gaussian filtering: {@code (h − 10) x (w − 10)}. */
        Plane filter() {
            int ow = w - WINDOW + 1;
            int oh = h - WINDOW + 1;
            double[] rows = new double[h * ow];
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < ow; j++) {
                    double s = 0;
                    for (int t = 0; t < WINDOW; t++) {
                        s += GAUSSIAN[t] * v[i * w + j + t];
                    }
                    rows[i * ow + j] = s;
                }
            }
            double[] out = new double[oh * ow];
            for (int i = 0; i < oh; i++) {
                for (int t = 0; t < WINDOW; t++) {
                    double g = GAUSSIAN[t];
                    int base = (i + t) * ow;
                    for (int j = 0; j < ow; j++) {
                        out[i * ow + j] += g * rows[base + j];
                    }
                }
            }
            return new Plane(out, oh, ow);
        }

        /** piq's step between MS-SSIM scales: replicate-pad top and left by 1 when a side is odd, then 2 x 2 means. */
        Plane halve() {
            int pad = h % 2 == 1 || w % 2 == 1 ? 1 : 0;
            int ph = h + pad;
            int pw = w + pad;
            int oh = ph / 2;
            int ow = pw / 2;
            double[] out = new double[oh * ow];
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    double s = 0;
                    for (int di = 0; di < 2; di++) {
                        for (int dj = 0; dj < 2; dj++) {
                            // Padded row r is original row max(r − pad, 0): the replicated first row/column.
                            int r = Math.max(2 * i + di - pad, 0);
                            int c = Math.max(2 * j + dj - pad, 0);
                            s += v[r * w + c];
                        }
                    }
                    out[i * ow + j] = 0.25 * s;
                }
            }
            return new Plane(out, oh, ow);
        }
    }

    /**
     * {ssim, cs}: the spatial means of the SSIM map and of its contrast-structure factor, for planes
     * already divided by the data range (so c1 = K1², c2 = K2²).
     */
    private static double[] statistics(Plane x, Plane y) {
        double c1 = K1 * K1;
        double c2 = K2 * K2;
        Plane mx = x.filter();
        Plane my = y.filter();
        Plane xx = x.map(x, (p, q) -> p * q).filter();
        Plane yy = y.map(y, (p, q) -> p * q).filter();
        Plane xy = x.map(y, (p, q) -> p * q).filter();
        double ssim = 0;
        double cs = 0;
        int n = mx.v().length;
        for (int i = 0; i < n; i++) {
            double ux = mx.v()[i];
            double uy = my.v()[i];
            double vx = xx.v()[i] - ux * ux;
            double vy = yy.v()[i] - uy * uy;
            double vxy = xy.v()[i] - ux * uy;
            double contrast = (2 * vxy + c2) / (vx + vy + c2);
            cs += contrast;
            ssim += (2 * ux * uy + c1) / (ux * ux + uy * uy + c1) * contrast;
        }
        return new double[] {ssim / n, cs / n};
    }

    /** The image's values as float64, row-major. */
    private static double[] values(Tensor image) {
        return image.to(DType.FLOAT64).contiguous().toDoubleArray();
    }

    /** The image as {@code H x W} planes divided by the data range. */
    private static Plane[] planes(Tensor image, double dataRange) {
        int[] s = image.shape();
        int h = s[s.length - 2];
        int w = s[s.length - 1];
        double[] all = values(image);
        Plane[] planes = new Plane[all.length / (h * w)];
        for (int p = 0; p < planes.length; p++) {
            double[] v = new double[h * w];
            for (int i = 0; i < v.length; i++) {
                v[i] = all[p * h * w + i] / dataRange;
            }
            planes[p] = new Plane(v, h, w);
        }
        return planes;
    }

    private static void check(String op, Tensor a, Tensor b, double dataRange, int minSide) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException(op + ": shapes differ: " + Shapes.format(a.shape()) + " vs " + Shapes.format(b.shape()));
        }
        if (a.dtype().isComplex() || b.dtype().isComplex()) {
            throw new IllegalArgumentException(op + ": needs real images, got " + a.dtype() + " and " + b.dtype());
        }
        if (!(dataRange > 0) || Double.isInfinite(dataRange)) {
            throw new IllegalArgumentException(op + ": dataRange must be positive and finite, got " + dataRange);
        }
        int rank = a.rank();
        if (minSide == 1) {
            if (a.numel() == 0) {
                throw new IllegalArgumentException(op + ": images are empty: " + Shapes.format(a.shape()));
            }
            return;
        }
        if (rank < 2 || rank > 4) {
            throw new IllegalArgumentException(op + ": images must be [H, W], [C, H, W] or [N, C, H, W], got "
                    + Shapes.format(a.shape()));
        }
        int h = a.size(rank - 2);
        int w = a.size(rank - 1);
        if (h < minSide || w < minSide || a.numel() == 0) {
            throw new IllegalArgumentException(op + ": images must be at least " + minSide + " x " + minSide
                    + " (and not empty), got " + Shapes.format(a.shape()));
        }
    }

    private static double[] gaussianTaps() {
        double[] g = new double[WINDOW];
        int r = WINDOW / 2;
        double sum = 0;
        for (int k = -r; k <= r; k++) {
            g[k + r] = Math.exp(-k * k / (2 * SIGMA * SIGMA));
            sum += g[k + r];
        }
        for (int i = 0; i < WINDOW; i++) {
            g[i] /= sum;
        }
        return g;
    }
}
