package dev.jacobi.algorithms.compress;

import dev.jacobi.algorithms.wavelet.Wavelet;
import dev.jacobi.algorithms.wavelet.WaveletPacket2D;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;

/**
 * A plain transform codec, WaLLoC without learning: the image (shifted to [−0.5, 0.5]) goes through the
 * same {@code J}-level bior4.4 packet transform, every coefficient is rounded to a multiple of
 * {@code step}, and the integers go through the {@link EntropyCoder} with one adaptive model per packet
 * channel (subband). Decoding multiplies back, inverts the transform and clamps to [0, 1]. One step for
 * all subbands: bior4.4 is nearly orthogonal, so equal steps give roughly equal error everywhere.
 *
 * <p>Images are [1, H, W] or [3, H, W] (colour planes coded independently) with H, W multiples of
 * {@code 2^J}. The checksummed header holds a format tag, the image size, J and the step.
 */
public final class WaveletCodec implements Codec {
    /** First header field of a wavelet-codec stream ("WVC1"). */
    static final int FORMAT = 0x57564331;

    private final Wavelet wavelet = Wavelet.named("bior4.4");
    private final int levels;
    private final double step;

    private WaveletCodec(int levels, double step) {
        this.levels = levels;
        this.step = step;
    }

    /**
     * A codec with {@code levels} packet levels (1..6) and quantizer step {@code step} (in units of the
     * [0, 1] pixel range; stored as a float32, so {@link #step()} is that float).
     *
     * @throws IllegalArgumentException when levels or step is out of range
     */
    public static WaveletCodec of(int levels, double step) {
        if (levels < 1 || levels > 6 || !(step > 1e-6) || !(step <= 64)) {
            throw new IllegalArgumentException("WaveletCodec.of: needs 1 <= levels <= 6 and 1e-6 < step <= 64, got " + levels + " and " + step);
        }
        return new WaveletCodec(levels, (float) step);
    }

    /** The quantizer step. */
    public double step() {
        return step;
    }

    /** The packet levels J. */
    public int levels() {
        return levels;
    }

    @Override
    public String name() {
        return String.format(java.util.Locale.ROOT, "wavelet J=%d step=%.3g", levels, step);
    }

    @Override
    public byte[] encode(Tensor image) {
        Codec.checkImage("WaveletCodec.encode", image, 1 << levels, 1, 3);
        int c = image.size(0);
        try (var g = Autograd.noGrad()) {
            Tensor coefficients = WaveletPacket2D.toChannels(image.to(DType.FLOAT64).sub(0.5).unsqueeze(0), wavelet, levels).squeeze(0);
            int bands = coefficients.size(0);
            int n = coefficients.size(1) * coefficients.size(2);
            double[] all = coefficients.contiguous().toDoubleArray();
            int[][] channels = new int[bands][n];
            for (int k = 0; k < bands; k++) {
                for (int i = 0; i < n; i++) {
                    channels[k][i] = (int) Math.rint(all[k * n + i] / step);
                }
            }
            int[] header = {FORMAT, c, image.size(1), image.size(2), levels, Float.floatToIntBits((float) step)};
            return EntropyCoder.encode(header, channels);
        }
    }

    @Override
    public Tensor decode(byte[] data) {
        EntropyCoder.Decoded stream = EntropyCoder.decode(data);
        int[] h = stream.header();
        if (h.length != 6 || h[0] != FORMAT) {
            throw new CorruptStreamException("WaveletCodec.decode: not a wavelet-codec stream");
        }
        int c = h[1];
        int height = h[2];
        int width = h[3];
        int j = h[4];
        double q = Float.intBitsToFloat(h[5]);
        boolean ok = (c == 1 || c == 3) && j >= 1 && j <= 6 && height > 0 && width > 0 && height % (1 << j) == 0
                && width % (1 << j) == 0 && q > 0 && Double.isFinite(q) && stream.channels().length == c << (2 * j);
        int n = ok ? (height >> j) * (width >> j) : 0;
        for (int[] ch : stream.channels()) {
            ok &= ch.length == n;
        }
        if (!ok) {
            throw new CorruptStreamException("WaveletCodec.decode: header and coefficients disagree");
        }
        int bands = stream.channels().length;
        double[] all = new double[bands * n];
        for (int k = 0; k < bands; k++) {
            for (int i = 0; i < n; i++) {
                all[k * n + i] = stream.channels()[k][i] * q;
            }
        }
        try (var g = Autograd.noGrad()) {
            Tensor coefficients = Tensor.of(all, 1, bands, height >> j, width >> j);
            return WaveletPacket2D.fromChannels(coefficients, wavelet, j).squeeze(0).add(0.5).clamp(0, 1).to(DType.FLOAT32).contiguous();
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
