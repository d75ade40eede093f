package dev.jacobi.algorithms.quality;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;

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
 * <p>The computation is written with tensor operations, so it is differentiable; the public methods
 * return the value.
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
        try (var g = Autograd.noGrad()) {
            double mse = a.to(DType.FLOAT64).sub(b.to(DType.FLOAT64)).square().mean().item();
            return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(dataRange * dataRange / mse);
        }
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
        try (var g = Autograd.noGrad()) {
            return statistics(planes(a, dataRange), planes(b, dataRange)).ssim().mean().item();
        }
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
        try (var g = Autograd.noGrad()) {
            Tensor x = planes(a, dataRange);
            Tensor y = planes(b, dataRange);
            Tensor product = null;
            for (int s = 0; s < MS_SSIM_WEIGHTS.length; s++) {
                if (s > 0) {
                    x = halve(x);
                    y = halve(y);
                }
                Statistics st = statistics(x, y);
                Tensor term = (s < MS_SSIM_WEIGHTS.length - 1 ? st.cs() : st.ssim()).relu().pow(MS_SSIM_WEIGHTS[s]);
                product = product == null ? term : product.mul(term);
            }
            return product.mean().item();
        }
    }

    /** The window's taps along one axis (they sum to 1). */
    public static double[] gaussianWindow() {
        return GAUSSIAN.clone();
    }

    /** Per-plane spatial means of the SSIM map and of its contrast-structure factor, each {@code [P]}. */
    private record Statistics(Tensor ssim, Tensor cs) {
    }

    /**
     * SSIM statistics of planes already divided by the data range (so c1 = K1², c2 = K2²): valid
     * Gaussian filtering of x, y, x², y², xy.
     */
    private static Statistics statistics(Tensor x, Tensor y) {
        double c1 = K1 * K1;
        double c2 = K2 * K2;
        Tensor mx = filter(x);
        Tensor my = filter(y);
        Tensor mxx = mx.square();
        Tensor myy = my.square();
        Tensor mxy = mx.mul(my);
        Tensor vx = filter(x.square()).sub(mxx);
        Tensor vy = filter(y.square()).sub(myy);
        Tensor vxy = filter(x.mul(y)).sub(mxy);
        Tensor cs = vxy.mul(2).add(c2).div(vx.add(vy).add(c2));
        Tensor luminance = mxy.mul(2).add(c1).div(mxx.add(myy).add(c1));
        int[] space = {1, 2};
        return new Statistics(luminance.mul(cs).mean(space), cs.mean(space));
    }

    /** Separable valid Gaussian filtering of {@code [P, H, W]} planes: {@code [P, H - 10, W - 10]}. */
    private static Tensor filter(Tensor x) {
        Tensor taps = Tensor.of(GAUSSIAN, WINDOW, 1);
        Tensor rows = x.unfold(2, WINDOW, 1).matmul(taps).squeeze(-1);
        return rows.unfold(1, WINDOW, 1).matmul(taps).squeeze(-1);
    }

    /** piq's step between MS-SSIM scales: replicate-pad top and left by 1 when a side is odd, then 2 x 2 means. */
    private static Tensor halve(Tensor x) {
        int h = x.size(1);
        int w = x.size(2);
        if (h % 2 == 1 || w % 2 == 1) {
            x = Tensor.concat(java.util.List.of(x.slice(1, 0, 1), x), 1);
            x = Tensor.concat(java.util.List.of(x.slice(2, 0, 1), x), 2);
            h++;
            w++;
        }
        int p = x.size(0);
        return x.slice(1, 0, h / 2 * 2).slice(2, 0, w / 2 * 2).contiguous()
                .reshape(p, h / 2, 2, w / 2, 2).mean(2, 4);
    }

    /** The image as float64 {@code [P, H, W]} planes divided by the data range. */
    private static Tensor planes(Tensor image, double dataRange) {
        int[] s = image.shape();
        int h = s[s.length - 2];
        int w = s[s.length - 1];
        return image.to(DType.FLOAT64).contiguous().reshape((int) (image.numel() / ((long) h * w)), h, w).div(dataRange);
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
