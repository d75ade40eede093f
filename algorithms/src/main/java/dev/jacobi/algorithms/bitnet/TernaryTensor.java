package dev.jacobi.algorithms.bitnet;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;

/**
 * A weight tensor quantized to {-1, 0, +1} with one scale for the whole tensor (BitNet b1.58): the
 * value it stands for is {@code scale * codes}.
 *
 * @param codes   INT8 tensor of the weight's shape, every element -1, 0 or 1
 * @param scale   the per-tensor scale γ (mean or lower median of |W|, at least {@link Ternary#EPS})
 * @param measure how the scale was measured
 */
public record TernaryTensor(Tensor codes, float scale, Ternary.Measure measure) {
    /** @throws IllegalArgumentException when the codes are not INT8 or the scale is not positive and finite */
    public TernaryTensor {
        if (codes.dtype() != DType.INT8) {
            throw new IllegalArgumentException("TernaryTensor: codes must be INT8, got " + codes.dtype());
        }
        if (!(scale > 0) || Float.isInfinite(scale)) {
            throw new IllegalArgumentException("TernaryTensor: scale must be positive and finite, got " + scale);
        }
    }

    /** The dequantized weight {@code scale * codes} as FLOAT32, the shape of the codes. */
    public Tensor dequantize() {
        return Ternary.dequantize(this);
    }

    /** The fraction of codes that are 0. */
    public double zeroFraction() {
        double[] c = codes.toDoubleArray();
        long zeros = 0;
        for (double v : c) {
            if (v == 0) {
                zeros++;
            }
        }
        return c.length == 0 ? 0 : (double) zeros / c.length;
    }
}
