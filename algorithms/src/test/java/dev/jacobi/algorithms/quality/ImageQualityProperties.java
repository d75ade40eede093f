package dev.jacobi.algorithms.quality;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/** Identities and closed forms of PSNR, SSIM and MS-SSIM (the oracles of the MPQ spec, section 5), and the argument checks. */
class ImageQualityProperties {

    @Test
    void windowIsTheNormalisedSymmetricGaussian() {
        double[] g = ImageQuality.gaussianWindow();
        assertThat(g).hasSize(11);
        double sum = 0;
        for (int i = 0; i < 11; i++) {
            sum += g[i];
            assertThat(g[i]).isEqualTo(g[10 - i]);
        }
        // Sum exact to rounding; the centre tap of the sigma-1.5 window is 0.266012 (numpy's construction).
        assertThat(sum).isCloseTo(1.0, within(1e-15));
        assertThat(g[5]).isCloseTo(0.26601172486179436, within(1e-12));
    }

    @Test
    void equalImagesScoreOneAndSsimIsSymmetric() {
        qt().withExamples(10).forAll(longs().all(), integers().between(11, 30), integers().between(11, 30))
                .checkAssert((seed, h, w) -> {
                    Generator gen = Generator.seeded(seed);
                    Tensor x = Tensor.rand(gen, DType.FLOAT64, 2, h, w);
                    Tensor y = Tensor.rand(gen, DType.FLOAT64, 2, h, w);
                    // Equal images: every factor is (t + c)/(t + c), exact up to rounding.
                    assertThat(ImageQuality.ssim(x, x, 1)).isCloseTo(1.0, within(1e-12));
                    assertThat(ImageQuality.psnr(x, x, 1)).isEqualTo(Double.POSITIVE_INFINITY);
                    double s = ImageQuality.ssim(x, y, 1);
                    assertThat(ImageQuality.ssim(y, x, 1)).isCloseTo(s, within(1e-14));
                    assertThat(s).isBetween(-1.0, 1.0);
                    // Scaling data and range together changes nothing but rounding.
                    assertThat(ImageQuality.ssim(x.mul(255), y.mul(255), 255)).isCloseTo(s, within(1e-12));
                });
        Tensor big = Tensor.rand(Generator.seeded(3), DType.FLOAT64, 161, 175);
        assertThat(ImageQuality.msSsim(big, big, 1)).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void constantImagesFollowTheClosedForm() {
        // cs = c2 / c2 = 1 everywhere, so SSIM = (2ab + c1)/(a² + b² + c1) and MS-SSIM = SSIM^0.1333.
        double a = 0.5;
        double b = 0.25;
        double c1 = 1e-4;
        double expected = (2 * a * b + c1) / (a * a + b * b + c1);
        Tensor x = Tensor.full(DType.FLOAT64, a, 3, 170, 163);
        Tensor y = Tensor.full(DType.FLOAT64, b, 3, 170, 163);
        assertThat(ImageQuality.ssim(x, y, 1)).isCloseTo(expected, within(1e-12));
        assertThat(ImageQuality.msSsim(x, y, 1)).isCloseTo(Math.pow(expected, 0.1333), within(1e-12));
    }

    @Test
    void psnrOfAConstantOffsetIsMinus20Log10OfIt() {
        qt().withExamples(20).forAll(longs().all(), doubles().between(1e-3, 0.5)).checkAssert((seed, d) -> {
            Tensor x = Tensor.rand(Generator.seeded(seed), DType.FLOAT64, 3, 7, 5);
            // MSE = d² up to the rounding of x + d - x.
            assertThat(ImageQuality.psnr(x, x.add(d), 1)).isCloseTo(-20 * Math.log10(d), within(1e-9));
        });
    }

    @Test
    void float32InputsGiveTheFloat64Value() {
        Tensor x = Tensor.rand(Generator.seeded(5), DType.FLOAT32, 3, 20, 24);
        Tensor y = Tensor.rand(Generator.seeded(6), DType.FLOAT32, 3, 20, 24);
        assertThat(ImageQuality.ssim(x, y, 1)).isEqualTo(ImageQuality.ssim(x.to(DType.FLOAT64), y.to(DType.FLOAT64), 1));
        // [N, C, H, W]: the mean over all planes, i.e. over both images.
        Tensor both = Tensor.stack(java.util.List.of(x, y), 0);
        Tensor swapped = Tensor.stack(java.util.List.of(y, x), 0);
        assertThat(ImageQuality.ssim(both, swapped, 1)).isCloseTo(ImageQuality.ssim(x, y, 1), within(1e-14));
    }

    @Test
    void badArgumentsAreRejectedWithTheirShapes() {
        Tensor a = Tensor.zeros(DType.FLOAT32, 3, 20, 20);
        assertThatThrownBy(() -> ImageQuality.ssim(a, Tensor.zeros(DType.FLOAT32, 3, 20, 21), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("ssim: shapes differ: [3, 20, 20] vs [3, 20, 21]");
        assertThatThrownBy(() -> ImageQuality.ssim(Tensor.zeros(DType.FLOAT32, 10, 20), Tensor.zeros(DType.FLOAT32, 10, 20), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ssim: images must be at least 11 x 11")
                .hasMessageContaining("[10, 20]");
        assertThatThrownBy(() -> ImageQuality.msSsim(a, a, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("msSsim: images must be at least 161 x 161")
                .hasMessageContaining("[3, 20, 20]");
        assertThatThrownBy(() -> ImageQuality.psnr(a, a, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("psnr: dataRange must be positive and finite, got 0.0");
        assertThatThrownBy(() -> ImageQuality.ssim(Tensor.zeros(DType.FLOAT32, 20), Tensor.zeros(DType.FLOAT32, 20), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ssim: images must be [H, W]");
        assertThatThrownBy(() -> ImageQuality.psnr(Tensor.zeros(DType.FLOAT32, 0, 3), Tensor.zeros(DType.FLOAT32, 0, 3), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("psnr: images are empty");
    }
}
