package dev.jacobi.bench.tour.entries;

import dev.jacobi.bench.tour.TourContext;
import dev.jacobi.bench.tour.TourResult;
import dev.jacobi.nn.data.Digits;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The codecs entry with one tiny WaLLoC (d = 2, 2 steps), two JPEG and one wavelet setting: it passes
 * (latents decode exactly, the classifier is above 90%), reports every codec on the photograph and the
 * digits, writes its six plots, and a second run restores the cached weights. The digit mosaics invert
 * exactly. The codecs themselves are tested in the algorithms module.
 */
class CodecsTourTest {
    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
        System.setProperty("jacobi.progress", "quiet");
    }

    @Test
    void reportsEveryCodecAndWritesThePlots(@TempDir Path dir) throws Exception {
        CodecsTour entry = new CodecsTour(new CodecsTour.Settings(new int[] {2}, 2, 1e-3, 2, 16, new int[] {10, 50}, new double[] {0.4}, 3));
        TourContext context = new TourContext(false, dir.resolve("tour"), dir.resolve("cache"), 7);
        TourResult first = entry.run(context);
        assertThat(first.passed()).as(first.summary() + "\n" + first.metrics()).isTrue();
        List<String> names = first.metrics().stream().map(TourResult.Metric::name).toList();
        assertThat(names).contains("chelsea: JPEG q=10", "digits: JPEG q=50", "digits: clean accuracy",
                "digits: lowest rate keeping accuracy");
        assertThat(names).anyMatch(n -> n.startsWith("chelsea: WaLLoC d=2"));
        assertThat(first.metrics()).filteredOn(m -> m.name().startsWith("chelsea: WaLLoC"))
                .allSatisfy(m -> assertThat(m.note()).contains("latents as PNG mosaic").doesNotContain("DIFFER"));
        assertThat(first.plots()).hasSize(6).allSatisfy(p -> assertThat(Files.size(p)).isPositive());
        TourResult second = entry.run(context);
        assertThat(second.summary()).contains("(cached WaLLoC weights)");
    }

    @Test
    void mosaicsInvertExactly() {
        // Pixel counts 0..16 over 16, as the digits hold them.
        Tensor digits = Generator.seeded(1).randint(0, Digits.MAX_PIXEL + 1, 70, Digits.PIXELS).to(DType.FLOAT32).div(Digits.MAX_PIXEL);
        List<Tensor> mosaics = CodecsTour.mosaics(digits);
        assertThat(mosaics).hasSize(2);
        assertThat(mosaics.getFirst().shape()).containsExactly(1, 256, 256);
        // Sums of 16 copies of k/16 and their sixteenth are exact in float32.
        assertThat(CodecsTour.digits(mosaics, 70).toFloatArray()).containsExactly(digits.toFloatArray());
    }
}
