package dev.jacobi.algorithms.compress;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A trained {@link Walloc} as a {@link Codec}: the rounded latents of the image, each channel replaced
 * by its residuals from the JPEG-LS median predictor ({@link Prediction}), go through the
 * {@link EntropyCoder} (one adaptive model per latent channel), and decoding runs the decoder on the
 * latents read back, which are exactly the ones encoded.
 *
 * <p>The image must have the model's channel count, or be grey for an RGB model (then it is copied into
 * the three channels and the reconstruction's channels are averaged back to one), with H and W
 * multiples of {@code 2^J}. The stream's checksummed header holds a format tag, the image size and
 * channel count and the model's latent channels and bits; a stream for another model is refused.
 *
 * <p>{@link #latentMosaicPng} gives the reference's way of storing the same latents, as an 8-bit
 * picture compressed losslessly by PNG, for comparison.
 */
public final class WallocCodec implements Codec {
    /** First header field of a WaLLoC stream ("WLC1"). */
    static final int FORMAT = 0x574C4331;

    private final Walloc model;
    private final String name;

    private WallocCodec(Walloc model, String name) {
        this.model = model;
        this.name = name;
    }

    /** The codec of {@code model} (put in eval mode), labelled {@code name}. */
    public static WallocCodec of(Walloc model, String name) {
        model.eval();
        return new WallocCodec(model, name);
    }

    /** The model. */
    public Walloc model() {
        return model;
    }

    @Override
    public String name() {
        return name;
    }

    /** The integer latent levels of {@code image}, {@code [d, H/2^J, W/2^J]} (int32). */
    public Tensor latentLevels(Tensor image) {
        Walloc.Config c = model.config();
        Codec.checkImage("WallocCodec.encode", image, c.blockSize(), c.channels() == 3 ? new int[] {1, 3} : new int[] {c.channels()});
        try (var g = Autograd.noGrad()) {
            Tensor x = image.to(DType.FLOAT32);
            if (x.size(0) != c.channels()) {
                x = x.expand(c.channels(), x.size(1), x.size(2));
            }
            return model.latents(x.sub(0.5).unsqueeze(0)).squeeze(0).to(DType.INT32);
        }
    }

    @Override
    public byte[] encode(Tensor image) {
        Tensor levels = latentLevels(image);
        int d = levels.size(0);
        int n = levels.size(1) * levels.size(2);
        int[] all = levels.contiguous().toIntArray();
        int[][] channels = new int[d][];
        for (int k = 0; k < d; k++) {
            channels[k] = Prediction.residuals(java.util.Arrays.copyOfRange(all, k * n, (k + 1) * n), levels.size(1), levels.size(2));
        }
        int[] header = {FORMAT, image.size(0), image.size(1), image.size(2), d, model.config().latentBits()};
        return EntropyCoder.encode(header, channels);
    }

    @Override
    public Tensor decode(byte[] data) {
        Tensor levels = decodeLevels(data);
        int channels = EntropyCoder.decode(data).header()[1];
        try (var g = Autograd.noGrad()) {
            Tensor image = model.decode(levels.to(DType.FLOAT32).unsqueeze(0)).squeeze(0).add(0.5);
            return channels == model.config().channels() ? image.contiguous() : image.mean(new int[] {0}, true).contiguous();
        }
    }

    /**
     * The latent levels a stream holds, {@code [d, H/2^J, W/2^J]} (int32): exactly {@link #latentLevels}
     * of the image that was encoded.
     *
     * @throws CorruptStreamException when {@code data} is not a complete WaLLoC stream for this model
     */
    public Tensor decodeLevels(byte[] data) {
        EntropyCoder.Decoded stream = EntropyCoder.decode(data);
        int[] h = stream.header();
        Walloc.Config c = model.config();
        if (h.length != 6 || h[0] != FORMAT) {
            throw new CorruptStreamException("WallocCodec.decode: not a WaLLoC stream");
        }
        int channels = h[1];
        int height = h[2];
        int width = h[3];
        if (h[4] != c.latentChannels() || h[5] != c.latentBits()) {
            throw new CorruptStreamException("WallocCodec.decode: stream has " + h[4] + " latent channels of " + h[5]
                    + " bits, this model " + c.latentChannels() + " of " + c.latentBits());
        }
        int block = c.blockSize();
        boolean ok = (channels == c.channels() || (channels == 1 && c.channels() == 3)) && height > 0 && width > 0
                && height % block == 0 && width % block == 0 && stream.channels().length == c.latentChannels();
        int lh = height / block;
        int lw = width / block;
        int max = model.bottleneck().maxLevel();
        int[] flat = new int[ok ? c.latentChannels() * lh * lw : 0];
        for (int k = 0; ok && k < c.latentChannels(); k++) {
            int[] residuals = stream.channels()[k];
            ok = residuals.length == lh * lw;
            if (ok) {
                int[] v = Prediction.restore(residuals, lh, lw);
                for (int x : v) {
                    ok &= x >= -max && x <= max;
                }
                System.arraycopy(v, 0, flat, k * lh * lw, v.length);
            }
        }
        if (!ok) {
            throw new CorruptStreamException("WallocCodec.decode: header and latents disagree (image " + channels + " x " + height
                    + " x " + width + ")");
        }
        return Tensor.ofInts(flat, c.latentChannels(), lh, lw);
    }

    /**
     * The reference's storage of the latents of {@code image}: levels + 2^(b−1) as 8-bit grey tiles (one
     * per latent channel, in a grid {@code ceil(sqrt(d))} wide), compressed by {@code javax.imageio}'s PNG
     * writer. Only for 8-bit latents.
     *
     * @throws IllegalStateException when the model's latents have more than 8 bits
     */
    public byte[] latentMosaicPng(Tensor image) {
        if (model.config().latentBits() > 8) {
            throw new IllegalStateException("WallocCodec.latentMosaicPng: latents of " + model.config().latentBits() + " bits do not fit 8-bit pixels");
        }
        Tensor levels = latentLevels(image);
        int d = levels.size(0);
        int h = levels.size(1);
        int w = levels.size(2);
        int cols = (int) Math.ceil(Math.sqrt(d));
        int rows = Math.ceilDiv(d, cols);
        int[] v = levels.contiguous().toIntArray();
        int offset = 1 << (model.config().latentBits() - 1);
        BufferedImage mosaic = new BufferedImage(cols * w, rows * h, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster raster = mosaic.getRaster();
        for (int k = 0; k < d; k++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    raster.setSample((k % cols) * w + x, (k / cols) * h + y, 0, v[(k * h + y) * w + x] + offset);
                }
            }
        }
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            ImageIO.write(mosaic, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("WallocCodec.latentMosaicPng: the PNG writer failed", e);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
