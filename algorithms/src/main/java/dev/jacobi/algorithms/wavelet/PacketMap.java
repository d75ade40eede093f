package dev.jacobi.algorithms.wavelet;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;

import java.util.Arrays;

/**
 * The float32 2-D periodization packet transform ({@link PacketKernels}) as a {@link LinearMap}:
 * analysis [..., H, W] -> [..., 4^J, H / 2^J, W / 2^J] (natural order) or synthesis back. With
 * periodization and even sizes, the transpose of analysis by filters (lo, hi) is synthesis by the
 * reversed filters, and vice versa (the circular index shifts of both conventions coincide).
 */
record PacketMap(boolean analysis, double[] lo, double[] hi, int levels, int height, int width) implements LinearMap {
    @Override
    public String name() {
        return analysis ? "waveletPacket2D" : "inverseWaveletPacket2D";
    }

    @Override
    public LinearMap transpose() {
        return new PacketMap(!analysis, Wavelet.reversed(lo), Wavelet.reversed(hi), levels, height, width);
    }

    @Override
    public Tensor compute(Tensor x) {
        int[] shape = x.shape();
        int lead = shape.length - (analysis ? 2 : 3);
        int planes = 1;
        for (int i = 0; i < lead; i++) {
            planes = Math.multiplyExact(planes, shape[i]);
        }
        float[] in = x.to(DType.FLOAT32).contiguous().toFloatArray();
        float[] out;
        int[] outShape;
        if (analysis) {
            out = PacketKernels.analyze(in, planes, height, width, lo, hi, levels, true);
            outShape = Arrays.copyOf(shape, lead + 3);
            outShape[lead] = 1 << (2 * levels);
            outShape[lead + 1] = height >> levels;
            outShape[lead + 2] = width >> levels;
        } else {
            out = PacketKernels.synthesize(in, planes, height, width, lo, hi, levels, true);
            outShape = Arrays.copyOf(shape, lead + 2);
            outShape[lead] = height;
            outShape[lead + 1] = width;
        }
        return Tensor.of(out, outShape);
    }

    /** Whether the fast path applies: float32, periodization, both sizes multiples of 2^levels. */
    static boolean applies(Tensor x, Mode mode, int levels, int height, int width) {
        int m = 1 << levels;
        return x.dtype() == DType.FLOAT32 && mode == Mode.PERIODIZATION && levels > 0
                && height > 0 && width > 0 && height % m == 0 && width % m == 0;
    }
}
