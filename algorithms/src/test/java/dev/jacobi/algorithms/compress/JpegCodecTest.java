package dev.jacobi.algorithms.compress;

import dev.jacobi.algorithms.quality.ImageQuality;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** JPEG through javax.imageio: shapes survive, rate and quality rise with the quality setting, bad bytes are refused. */
class JpegCodecTest {

    @Test
    void higherQualityCostsMoreBitsAndGivesHigherPsnr() {
        Tensor photo = Images.photograph("chelsea");
        double lastBpp = 0;
        double lastPsnr = 0;
        for (int q : new int[] {5, 30, 90}) {
            Codec.Coded coded = JpegCodec.of(q).roundTrip(photo);
            assertThat(coded.reconstruction().shape()).isEqualTo(photo.shape());
            assertThat(coded.reconstruction().dtype()).isEqualTo(DType.FLOAT32);
            assertThat(coded.bitsPerPixel()).isEqualTo(8.0 * coded.bytes().length / (photo.size(1) * photo.size(2)));
            double psnr = ImageQuality.psnr(photo, coded.reconstruction(), 1);
            assertThat(coded.bitsPerPixel()).isGreaterThan(lastBpp);
            assertThat(psnr).isGreaterThan(lastPsnr);
            lastBpp = coded.bitsPerPixel();
            lastPsnr = psnr;
        }
        // q = 90 on a smooth photo: well above 30 dB.
        assertThat(lastPsnr).isGreaterThan(30);
    }

    @Test
    void greyStaysGrey() {
        Tensor grey = Images.photograph("coffee").mean(new int[] {0}, true);
        Tensor back = JpegCodec.of(50).roundTrip(grey).reconstruction();
        assertThat(back.shape()).containsExactly(1, 200, 296);
        assertThat(ImageQuality.psnr(grey, back, 1)).isGreaterThan(28);
    }

    @Test
    void badInputsAndStreamsAreRefused() {
        assertThatThrownBy(() -> JpegCodec.of(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JpegCodec.of(50).encode(Tensor.zeros(DType.FLOAT32, 2, 8, 8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[2, 8, 8]");
        byte[] ok = JpegCodec.of(50).encode(Tensor.zeros(DType.FLOAT32, 1, 16, 16));
        assertThatThrownBy(() -> JpegCodec.of(50).decode(Arrays.copyOf(ok, 3))).isInstanceOf(CorruptStreamException.class);
    }
}
