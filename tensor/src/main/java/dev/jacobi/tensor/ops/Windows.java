package dev.jacobi.tensor.ops;

import dev.jacobi.tensor.Tensor;
import java.util.List;

/** Padding and sliding windows (im2col / col2im). */
public final class Windows {
    private Windows() {
    }

    public static Tensor pad(Tensor t, int[] padding, double value) { throw new UnsupportedOperationException("TODO"); }
    public static Tensor im2col(Tensor t, int[] kernel, int[] dilation, int[] padding, int[] stride) { throw new UnsupportedOperationException("TODO"); }
    public static Tensor col2im(Tensor t, int[] outputSize, int[] kernel, int[] dilation, int[] padding, int[] stride) { throw new UnsupportedOperationException("TODO"); }
}
