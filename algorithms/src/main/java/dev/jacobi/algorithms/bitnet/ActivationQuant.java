package dev.jacobi.algorithms.bitnet;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;

/**
 * Per-token absmax 8-bit activation quantization (BitNet b1.58): for each row {@code i} of the last
 * dimension, {@code η_i = max_j |x_ij|}, {@code s_i = Q / max(η_i, ε)} and
 * {@code x̃_ij = clip(rne(x_ij·s_i), -128, 127)}; dequantized {@code x̃ / s}. Symmetric, no zero point.
 *
 * <p>{@code Q = 127} is Microsoft's choice ({@link #absmax8}); the Reloaded package uses {@code Q = 128}
 * and then clips to 127 ({@link #absmax(Tensor, int)}). As PyTorch, float32 (and half-precision)
 * activations are scaled and rounded in float32, float64 ones in float64; rounding is half to even
 * ({@code torch.round}; Java's {@code Math.round} would turn -63.5 into -63).
 */
public final class ActivationQuant {
    /** The activation ε: the row maximum is clamped to at least this before dividing. */
    public static final double EPS = 1e-5;
    /** Microsoft's bound: scaled activations span [-127, 127]. */
    public static final int Q_MICROSOFT = 127;
    /** The Reloaded package's bound (then clipped to 127). */
    public static final int Q_RELOADED = 128;

    private ActivationQuant() {
    }

    /**
     * Quantizes {@code x} to INT8 per row with {@code Q = 127}.
     *
     * @param x a floating tensor {@code [..., d]} with {@code d >= 1}, finite
     * @throws IllegalArgumentException for a non-floating dtype, rank 0, an empty tensor or a NaN/infinite element
     */
    public static QuantizedActivations absmax8(Tensor x) {
        return absmax(x, Q_MICROSOFT);
    }

    /**
     * Quantizes {@code x} to INT8 per row with the bound {@code q} (127 or 128; codes are clipped to
     * [-128, 127] either way).
     *
     * @throws IllegalArgumentException for a bound other than 127 or 128, a non-floating dtype, rank 0,
     *                                  an empty tensor or a NaN/infinite element
     */
    public static QuantizedActivations absmax(Tensor x, int q) {
        Rows r = quantizeRows("ActivationQuant.absmax", x, q);
        int[] scaleShape = x.shape().clone();
        scaleShape[scaleShape.length - 1] = 1;
        Tensor scales = r.scales64 != null ? Tensor.of(r.scales64, scaleShape) : Tensor.of(r.scales32, scaleShape);
        return new QuantizedActivations(Tensor.ofBytes(r.codes, x.shape()), scales, q);
    }

    /**
     * The fake-quantized activations {@code clip(rne(x·s), -128, 127) / s} as a new FLOAT32 tensor
     * (FLOAT64 for float64 input) that records no gradient: the forward pass of quantization-aware training.
     *
     * @throws IllegalArgumentException as {@link #absmax(Tensor, int)}
     */
    static Tensor fakeQuantize(String op, Tensor x, int q) {
        Rows r = quantizeRows(op, x, q);
        int d = x.size(-1);
        if (r.scales64 != null) {
            double[] out = new double[r.codes.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = r.codes[i] / r.scales64[i / d];
            }
            return Tensor.of(out, x.shape());
        }
        float[] out = new float[r.codes.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = r.codes[i] / r.scales32[i / d];
        }
        return Tensor.of(out, x.shape());
    }

    static void checkBound(String op, int q) {
        if (q != Q_MICROSOFT && q != Q_RELOADED) {
            throw new IllegalArgumentException(op + ": the bound Q must be 127 or 128, got " + q);
        }
    }

    /** Codes and per-row scales; exactly one of the scale arrays is set, by the compute precision. */
    private record Rows(byte[] codes, float[] scales32, double[] scales64) {
    }

    private static Rows quantizeRows(String op, Tensor x, int q) {
        checkBound(op, q);
        HostValues.check(op, "activations", x, 1);
        int d = x.size(-1);
        int rows = Math.toIntExact(x.numel() / d);
        if (x.dtype() == DType.FLOAT64) {
            double[] v = HostValues.doubles(x);
            byte[] codes = new byte[v.length];
            double[] scales = new double[rows];
            for (int i = 0; i < rows; i++) {
                double eta = 0;
                for (int j = i * d; j < (i + 1) * d; j++) {
                    HostValues.checkFinite(op, "activation", x, j, v[j]);
                    eta = Math.max(eta, Math.abs(v[j]));
                }
                double s = q / Math.max(eta, EPS);
                scales[i] = s;
                for (int j = i * d; j < (i + 1) * d; j++) {
                    codes[j] = (byte) Math.max(-128, Math.min(127, Math.rint(v[j] * s)));
                }
            }
            return new Rows(codes, null, scales);
        }
        float[] v = HostValues.floats(x);
        byte[] codes = new byte[v.length];
        float[] scales = new float[rows];
        float eps = (float) EPS;
        for (int i = 0; i < rows; i++) {
            float eta = 0;
            for (int j = i * d; j < (i + 1) * d; j++) {
                HostValues.checkFinite(op, "activation", x, j, v[j]);
                eta = Math.max(eta, Math.abs(v[j]));
            }
            float s = q / Math.max(eta, eps);
            scales[i] = s;
            for (int j = i * d; j < (i + 1) * d; j++) {
                float scaled = v[j] * s;
                codes[j] = (byte) Math.max(-128, Math.min(127, Math.rint(scaled)));
            }
        }
        return new Rows(codes, scales, null);
    }
}
