package dev.jacobi.algorithms.compress;

import dev.jacobi.tensor.Tensor;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Baseline JPEG through the JDK's {@code javax.imageio} writer (JFIF; RGB as YCbCr with the writer's
 * default 2 x 2 chroma subsampling, grey as one component; standard tables scaled by the quality).
 * Pixels are rounded to 8 bits first. The bytes are a complete JFIF file, headers and tables included.
 */
public final class JpegCodec implements Codec {
    private final int quality;

    private JpegCodec(int quality) {
        this.quality = quality;
    }

    /**
     * JPEG at {@code quality} in 1..100 (the usual scale: the JDK's quality {@code quality / 100}).
     *
     * @throws IllegalArgumentException when quality is outside 1..100
     */
    public static JpegCodec of(int quality) {
        if (quality < 1 || quality > 100) {
            throw new IllegalArgumentException("JpegCodec.of: quality must be in 1..100, got " + quality);
        }
        return new JpegCodec(quality);
    }

    /** The quality, 1..100. */
    public int quality() {
        return quality;
    }

    @Override
    public String name() {
        return "JPEG q=" + quality;
    }

    @Override
    public byte[] encode(Tensor image) {
        Codec.checkImage("JpegCodec.encode", image, 1, 1, 3);
        BufferedImage picture = Images.toBufferedImage(image);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream();
             MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality / 100f);
            writer.setOutput(out);
            writer.write(null, new IIOImage(picture, null, null), param);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("JpegCodec.encode: the JPEG writer failed", e);
        } finally {
            writer.dispose();
        }
    }

    @Override
    public Tensor decode(byte[] data) {
        BufferedImage picture;
        try {
            picture = ImageIO.read(new ByteArrayInputStream(data));
        } catch (IOException | RuntimeException e) {
            throw new CorruptStreamException("JpegCodec.decode: not a readable JPEG (" + e.getMessage() + ")");
        }
        if (picture == null) {
            throw new CorruptStreamException("JpegCodec.decode: not a JPEG stream");
        }
        return Images.fromBufferedImage(picture);
    }

    @Override
    public String toString() {
        return name();
    }
}
