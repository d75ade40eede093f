package dev.jacobi.algorithms.bitnet;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;
import dev.jacobi.tensor.autograd.GradMode;

/**
 * Activations quantized to 8 bits with one scale per row (per token): the value each code stands for
 * is {@code codes[..., j] / scales[..., 0]}.
 *
 * @param codes  INT8 tensor of the activations' shape {@code [..., d]}, elements in [-128, 127]
 * @param scales the per-row scales {@code s = Q / max(rowmax|x|, ε)}, shape {@code [..., 1]} (so that
 *               they broadcast against the codes), FLOAT32 (FLOAT64 for float64 activations)
 * @param q      the quantization bound Q (127, or 128 as the Reloaded package)
 */
public record QuantizedActivations(Tensor codes, Tensor scales, int q) {
    /** @throws IllegalArgumentException when the dtypes or shapes do not fit together */
    public QuantizedActivations {
        if (codes.dtype() != DType.INT8 || !scales.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("QuantizedActivations: codes must be INT8 and scales floating, got "
                    + codes.dtype() + " and " + scales.dtype());
        }
        int[] cs = codes.shape();
        int[] ss = scales.shape();
        boolean fits = cs.length >= 1 && ss.length == cs.length && ss[ss.length - 1] == 1;
        for (int i = 0; fits && i < cs.length - 1; i++) {
            fits = cs[i] == ss[i];
        }
        if (!fits) {
            throw new IllegalArgumentException("QuantizedActivations: scales must be [..., 1] for codes [..., d], got "
                    + Shapes.format(ss) + " for " + Shapes.format(cs));
        }
    }

    /** The dequantized activations {@code codes / scales}, in the scales' dtype. */
    public Tensor dequantize() {
        try (GradMode g = Autograd.noGrad()) {
            return codes.to(scales.dtype()).div(scales);
        }
    }
}
