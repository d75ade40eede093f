package dev.jacobi.algorithms.compress;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;
import dev.jacobi.tensor.ops.SpecialFunctions;

/**
 * WaLLoC's bounded-latent bottleneck for {@code bits}-bit latents (walloc.md section 1, steps 3-4). It has
 * no learned density and no rate term: a Gaussian-like latent z is squeezed into (−m, m) by the normal
 * CDF, blurred by uniform noise in training and rounded at inference, so that each latent is one of the
 * {@code 2^bits − 1} integers {@code −(2^(bits−1)−1) .. 2^(bits−1)−1}.
 *
 * <ul>
 *   <li>{@code s = (2^(b−1) − 1) / 1.85}, {@code m = 2^(b−1) − 0.501};</li>
 *   <li>{@link #toUniform}: {@code u = 2m (Φ(z/s) − ½) = m erf(z / (s√2))};</li>
 *   <li>{@link #addNoise} (training): {@code u + ε, ε ~ U(−½, ½)}; {@link #round} (inference);</li>
 *   <li>{@link #toNormal}: {@code ẑ = s Φ⁻¹(clip(u/(2m) + ½, 1e−4, 0.9999))}.</li>
 * </ul>
 *
 * @param bits latent bits b, 2..16
 */
public record Bottleneck(int bits) {
    /** The clip of {@link #toNormal}, which keeps Φ⁻¹ finite. */
    static final double CLIP_LOW = 1e-4;
    /** The upper clip of {@link #toNormal}. */
    static final double CLIP_HIGH = 0.9999;

    /** @throws IllegalArgumentException when bits is outside 2..16 */
    public Bottleneck {
        if (bits < 2 || bits > 16) {
            throw new IllegalArgumentException("Bottleneck: latent bits must be in 2..16, got " + bits);
        }
    }

    /** The largest latent level {@code 2^(b−1) − 1}; rounded latents lie in {@code [−maxLevel, maxLevel]}. */
    public int maxLevel() {
        return (1 << (bits - 1)) - 1;
    }

    /** {@code s = (2^(b−1) − 1) / 1.85}: z of one s maps about a third of the way out. */
    public double scale() {
        return maxLevel() / 1.85;
    }

    /** {@code m = 2^(b−1) − 0.501}: u lies in (−m, m), so rounding never passes {@link #maxLevel()}. */
    public double halfWidth() {
        return (1 << (bits - 1)) - 0.501;
    }

    /** {@code u = m erf(z / (s√2))}, in (−m, m); differentiable. */
    public Tensor toUniform(Tensor z) {
        return z.mul(1 / (scale() * Math.sqrt(2))).erf().mul(halfWidth());
    }

    /** {@code u + ε} with ε uniform on [−½, ½) from {@code gen}, in u's type. */
    public Tensor addNoise(Tensor u, Generator gen) {
        return u.add(Tensor.rand(gen, u.dtype(), u.shape()).sub(0.5));
    }

    /** {@code round(u)} (half to even), with no gradient: the inference path. */
    public Tensor round(Tensor u) {
        try (var g = Autograd.noGrad()) {
            return u.round();
        }
    }

    /** {@code ẑ = s Φ⁻¹(clip(u/(2m) + ½, 1e−4, 0.9999))}; differentiable (zero gradient where clipped). */
    public Tensor toNormal(Tensor u) {
        Tensor p = u.mul(1 / (2 * halfWidth())).add(0.5).clamp(CLIP_LOW, CLIP_HIGH);
        return normalQuantile(p).mul(scale());
    }

    /**
     * Φ⁻¹ elementwise, as a differentiable op: {@code d Φ⁻¹(p) / dp = 1 / φ(Φ⁻¹(p)) = √(2π) exp(y²/2)}.
     * Values outside (0, 1) give NaN (0 and 1 give ∓∞).
     */
    static Tensor normalQuantile(Tensor p) {
        return Autograd.op("normalQuantile", () -> {
            double[] v = p.to(DType.FLOAT64).contiguous().toDoubleArray();
            for (int i = 0; i < v.length; i++) {
                v[i] = inverseNormalCdf(v[i]);
            }
            return Tensor.of(v, p.shape()).to(p.dtype());
        }, (g, y, needed) -> new Tensor[] {g.mul(slope(y))}, (t, y) -> t[0].mul(slope(y)), p);
    }

    private static Tensor slope(Tensor y) {
        return y.square().mul(0.5).exp().mul(Math.sqrt(2 * Math.PI));
    }

    /**
     * Φ⁻¹(p) in double precision: a starting point from Abramowitz and Stegun 26.2.23 (error below
     * 4.5e−4), then Newton steps on {@code Φ(x) = erfc(−x/√2)/2}, which converge quadratically.
     */
    static double inverseNormalCdf(double p) {
        if (!(p > 0 && p < 1)) {
            return p == 0 ? Double.NEGATIVE_INFINITY : p == 1 ? Double.POSITIVE_INFINITY : Double.NaN;
        }
        double q = Math.min(p, 1 - p);
        double t = Math.sqrt(-2 * Math.log(q));
        double x = t - (2.515517 + t * (0.802853 + t * 0.010328)) / (1 + t * (1.432788 + t * (0.189269 + t * 0.001308)));
        x = p < 0.5 ? -x : x;
        for (int i = 0; i < 4; i++) {
            double cdf = 0.5 * SpecialFunctions.erfc(-x / Math.sqrt(2));
            double pdf = Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
            double step = (cdf - p) / pdf;
            x -= step;
            if (Math.abs(step) < 1e-15 * Math.max(1, Math.abs(x))) {
                break;
            }
        }
        return x;
    }
}
