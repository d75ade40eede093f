package dev.jacobi.algorithms.quality;

import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * SSIM and PSNR equal scikit-image's (structural_similarity with Gaussian weights, population
 * covariance, sigma 1.5; peak_signal_noise_ratio) and MS-SSIM equals an independent numpy
 * implementation of piq's convention, on grey and RGB images of odd and even sizes, for data ranges 1
 * and 255. References: quality/reference_values.txt, made by make_reference_values.py beside it, whose
 * image formula {@link #image} repeats.
 */
class ImageQualityReferenceTest {
    /**
     * The issue asks for 1e-6; both sides compute in float64 and differ only in summation order and in
     * dividing by the data range first, which leaves about 1e-15, so 1e-12 is asserted.
     */
    private static final double TOLERANCE = 1e-12;

    private record Case(String name, int c, int h, int w, double noise, int seedB, double noiseB, double range) {
    }

    private static final List<Case> CASES = List.of(
            new Case("grey32", 1, 32, 32, 0.3, 11, 0.2, 1.0),
            new Case("grey23x41", 1, 23, 41, 0.1, 12, 0.4, 1.0),
            new Case("rgb40x33", 3, 40, 33, 0.2, 13, 0.1, 1.0),
            new Case("grey176", 1, 176, 176, 0.2, 14, 0.15, 1.0),
            new Case("rgb161x170", 3, 161, 170, 0.3, 15, 0.25, 1.0),
            new Case("rgb170x163range255", 3, 170, 163, 0.3, 16, 0.05, 255.0));

    @Test
    void matchesScikitImageAndTheNumpyMsSsim() throws IOException {
        Map<String, Double> expected = references();
        int msCases = 0;
        for (Case k : CASES) {
            Tensor[] pair = pair(k);
            // Grey cases go in as [H, W], colour ones as [C, H, W]: both layouts are covered.
            Tensor a = k.c() == 1 ? pair[0].reshape(k.h(), k.w()) : pair[0];
            Tensor b = k.c() == 1 ? pair[1].reshape(k.h(), k.w()) : pair[1];
            assertThat(ImageQuality.ssim(a, b, k.range())).as(k.name() + " ssim")
                    .isCloseTo(expected.get(k.name() + " ssim"), within(TOLERANCE));
            assertThat(ImageQuality.psnr(a, b, k.range())).as(k.name() + " psnr")
                    .isCloseTo(expected.get(k.name() + " psnr"), within(1e-10));
            Double ms = expected.get(k.name() + " msssim");
            if (ms != null) {
                msCases++;
                assertThat(ImageQuality.msSsim(a, b, k.range())).as(k.name() + " msssim").isCloseTo(ms, within(TOLERANCE));
            }
        }
        assertThat(msCases).isEqualTo(3);
    }

    /** The reference image and its distorted copy, [c, h, w] float64, as the script makes them. */
    static Tensor[] pair(Case k) {
        double[] a = image(k.c(), k.h(), k.w(), 1, k.noise());
        double[] noisy = image(k.c(), k.h(), k.w(), k.seedB(), 1.0);
        double[] smooth = image(k.c(), k.h(), k.w(), k.seedB(), 0.0);
        double[] b = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = Math.clamp(a[i] + k.noiseB() * (noisy[i] - smooth[i]), 0.0, 1.0) * k.range();
            a[i] *= k.range();
        }
        return new Tensor[] {Tensor.of(a, k.c(), k.h(), k.w()), Tensor.of(b, k.c(), k.h(), k.w())};
    }

    /** The script's image(): a smooth pattern plus murmur3-hashed noise, clipped to [0, 1]. */
    static double[] image(int c, int h, int w, int seed, double noise) {
        double[] out = new double[c * h * w];
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    int k = (ch * h + i) * w + j;
                    double smooth = 0.5 + 0.25 * Math.sin(i / 7.0 + ch) * Math.cos(j / 11.0);
                    out[k] = Math.min(1.0, Math.max(0.0, smooth + noise * (hash01(k, seed) - 0.5)));
                }
            }
        }
        return out;
    }

    private static double hash01(int k, int seed) {
        int x = k * 0x9E3779B1 + seed * 0x632BE5AB;
        x ^= x >>> 16;
        x *= 0x85EBCA6B;
        x ^= x >>> 13;
        x *= 0xC2B2AE35;
        x ^= x >>> 16;
        return (x >>> 8) / (double) (1 << 24);
    }

    private static Map<String, Double> references() throws IOException {
        Map<String, Double> values = new LinkedHashMap<>();
        try (InputStream in = ImageQualityReferenceTest.class.getResourceAsStream("/quality/reference_values.txt")) {
            List<String> lines = new ArrayList<>(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
            for (String line : lines) {
                String[] f = line.split(" ");
                values.put(f[0] + " " + f[1], Double.parseDouble(f[2]));
            }
        }
        return values;
    }
}
