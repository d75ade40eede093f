package dev.jacobi.algorithms.compress;

import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;

/**
 * A lossy image codec: an image becomes bytes, and the bytes become an approximation of the image.
 *
 * <p>Images are float tensors {@code [C, H, W]} with values in [0, 1], C = 1 (grey) or 3 (RGB);
 * {@link #decode} gives a float32 tensor of the same shape. The bytes hold everything the decoder
 * needs (sizes included), so their length is the true rate: {@link #bitsPerPixel} = 8 · bytes / (H · W).
 */
public interface Codec {
    /** A short label with the setting, e.g. {@code "JPEG q=20"}. */
    String name();

    /**
     * The compressed image.
     *
     * @throws IllegalArgumentException when the image is not [C, H, W] with a channel count and size this codec handles
     */
    byte[] encode(Tensor image);

    /**
     * The reconstruction, float32 {@code [C, H, W]} in [0, 1].
     *
     * @throws CorruptStreamException when {@code data} is not a complete stream of this codec
     */
    Tensor decode(byte[] data);

    /** Bits per pixel of {@code bytes} bytes for an {@code height x width} image: {@code 8 bytes / (height width)}. */
    static double bitsPerPixel(long bytes, int height, int width) {
        if (bytes < 0 || height < 1 || width < 1) {
            throw new IllegalArgumentException("bitsPerPixel: needs bytes >= 0 and a positive size, got " + bytes + " bytes for "
                    + height + " x " + width);
        }
        return 8.0 * bytes / ((double) height * width);
    }

    /** An image through the codec: the bytes, the reconstruction and the rate. */
    record Coded(byte[] bytes, Tensor reconstruction, double bitsPerPixel) {
    }

    /** Encodes and decodes {@code image}. */
    default Coded roundTrip(Tensor image) {
        byte[] bytes = encode(image);
        Tensor back = decode(bytes);
        return new Coded(bytes, back, bitsPerPixel(bytes.length, image.size(image.rank() - 2), image.size(image.rank() - 1)));
    }

    /**
     * Checks that {@code image} is {@code [C, H, W]} with C in {@code channels} and sides divisible by {@code multiple}.
     *
     * @throws IllegalArgumentException naming {@code op} and the shape otherwise
     */
    static void checkImage(String op, Tensor image, int multiple, int... channels) {
        int[] s = image.shape();
        boolean channelsOk = s.length == 3 && java.util.Arrays.stream(channels).anyMatch(c -> c == s[0]);
        if (!channelsOk || s[1] < 1 || s[2] < 1 || s[1] % multiple != 0 || s[2] % multiple != 0 || image.dtype().isComplex()) {
            throw new IllegalArgumentException(op + ": expected a real [C, H, W] image with C in " + java.util.Arrays.toString(channels)
                    + (multiple > 1 ? " and H, W positive multiples of " + multiple : " and H, W positive") + ", got "
                    + image.dtype() + " " + Shapes.format(s));
        }
    }
}
