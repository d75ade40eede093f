package dev.jacobi.algorithms.compress;

import dev.jacobi.algorithms.quality.ImageQuality;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The plain wavelet codec: a coarser step costs fewer bits and loses more; a fine step is nearly
 * lossless (error bounded by the step); bad streams and sizes are refused.
 */
class WaveletCodecTest {

    @Test
    void coarserStepsCostFewerBitsAndLoseMore() {
        Tensor photo = Images.photograph("chelsea").slice(1, 64, 160).slice(2, 96, 224).contiguous();
        double lastBpp = Double.MAX_VALUE;
        double lastPsnr = Double.MAX_VALUE;
        for (double step : new double[] {0.02, 0.1, 0.5}) {
            Codec.Coded c = WaveletCodec.of(3, step).roundTrip(photo);
            assertThat(c.reconstruction().shape()).isEqualTo(photo.shape());
            double psnr = ImageQuality.psnr(photo, c.reconstruction(), 1);
            assertThat(c.bitsPerPixel()).isLessThan(lastBpp);
            assertThat(psnr).isLessThan(lastPsnr);
            lastBpp = c.bitsPerPixel();
            lastPsnr = psnr;
        }
    }

    @Test
    void aFineStepIsNearlyLossless() {
        Tensor photo = Images.photograph("astronaut").slice(1, 0, 64).slice(2, 0, 64).contiguous();
        double step = 1e-3;
        Tensor back = WaveletCodec.of(2, step).roundTrip(photo).reconstruction();
        // Rounding errors of at most step/2 per coefficient; the synthesis filters' gain over the
        // 2-level tree keeps a pixel's error below a few steps.
        assertThat(back.sub(photo).abs().max().item()).isLessThan(4 * step);
    }

    @Test
    void badStreamsAndSizesAreRefused() {
        WaveletCodec codec = WaveletCodec.of(2, 0.1);
        assertThatThrownBy(() -> codec.encode(Tensor.zeros(DType.FLOAT32, 3, 10, 8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[3, 10, 8]");
        byte[] ok = codec.encode(Tensor.zeros(DType.FLOAT32, 1, 8, 8));
        assertThatThrownBy(() -> codec.decode(Arrays.copyOf(ok, ok.length - 2))).isInstanceOf(CorruptStreamException.class);
        assertThatThrownBy(() -> WaveletCodec.of(0, 0.1)).isInstanceOf(IllegalArgumentException.class);
    }
}
