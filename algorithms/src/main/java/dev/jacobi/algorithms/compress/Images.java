package dev.jacobi.algorithms.compress;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Conversions between {@code [C, H, W]} float tensors in [0, 1] and 8-bit {@link BufferedImage}s
 * (grey for C = 1, RGB for C = 3), and the photographs bundled for training and testing the codecs.
 */
public final class Images {
    /**
     * The bundled photographs (from scikit-image's data folder, public domain or CC0; see the NOTICE
     * file), as resources {@code photos/<name>.png} of this package.
     */
    public static final java.util.List<String> PHOTOGRAPHS = java.util.List.of("astronaut", "coffee", "rocket", "hubble", "chelsea");

    private Images() {
    }

    /** A bundled photograph by name (one of {@link #PHOTOGRAPHS}), float32 {@code [3, H, W]} in [0, 1]. */
    public static Tensor photograph(String name) {
        if (!PHOTOGRAPHS.contains(name)) {
            throw new IllegalArgumentException("Images.photograph: no bundled photograph '" + name + "', have " + PHOTOGRAPHS);
        }
        try (InputStream in = Images.class.getResourceAsStream("photos/" + name + ".png")) {
            if (in == null) {
                throw new IllegalStateException("Images.photograph: resource photos/" + name + ".png is missing from the jar");
            }
            return fromBufferedImage(ImageIO.read(in));
        } catch (IOException e) {
            throw new UncheckedIOException("Images.photograph: cannot read " + name, e);
        }
    }

    /**
     * The image as 8-bit pixels (values rounded, clamped to 0..255).
     *
     * @throws IllegalArgumentException when it is not [1, H, W] or [3, H, W]
     */
    public static BufferedImage toBufferedImage(Tensor image) {
        Codec.checkImage("Images.toBufferedImage", image, 1, 1, 3);
        int c = image.size(0);
        int h = image.size(1);
        int w = image.size(2);
        double[] v = image.to(DType.FLOAT64).contiguous().toDoubleArray();
        BufferedImage out = new BufferedImage(w, h, c == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        WritableRaster raster = out.getRaster();
        int[] pixel = new int[c];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int k = 0; k < c; k++) {
                    pixel[k] = to8Bit(v[(k * h + y) * w + x]);
                }
                raster.setPixel(x, y, pixel);
            }
        }
        return out;
    }

    /** An 8-bit grey or colour image as float32 {@code [C, H, W]} in [0, 1] (C = 1 for grey, else 3; alpha dropped). */
    public static Tensor fromBufferedImage(BufferedImage image) {
        int h = image.getHeight();
        int w = image.getWidth();
        Raster raster = image.getRaster();
        boolean grey = image.getColorModel().getNumColorComponents() == 1 && raster.getNumBands() <= 2
                && image.getColorModel().getComponentSize(0) == 8;
        int c = grey ? 1 : 3;
        float[] v = new float[c * h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (grey) {
                    v[y * w + x] = raster.getSample(x, y, 0) / 255f;
                } else {
                    int rgb = image.getRGB(x, y);
                    v[y * w + x] = ((rgb >> 16) & 0xFF) / 255f;
                    v[(h + y) * w + x] = ((rgb >> 8) & 0xFF) / 255f;
                    v[(2 * h + y) * w + x] = (rgb & 0xFF) / 255f;
                }
            }
        }
        return Tensor.of(v, c, h, w);
    }

    /** {@code value} in [0, 1] as 0..255, rounded to the nearest integer and clamped (NaN becomes 0). */
    static int to8Bit(double value) {
        double scaled = Math.rint(value * 255);
        return scaled > 255 ? 255 : scaled >= 0 ? (int) scaled : 0;
    }
}
