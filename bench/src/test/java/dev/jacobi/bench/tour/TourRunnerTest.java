package dev.jacobi.bench.tour;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The tour runner runs every selected entry, reports each one's outcome, and exits non-zero on any failure. */
class TourRunnerTest {
    @TempDir
    Path dir;

    private final List<String> ran = new ArrayList<>();
    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    /** An entry that records that it ran, then does what {@code body} says. */
    private TourEntry entry(String name, Body body) {
        return new TourEntry() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String description() {
                return "test entry " + name;
            }

            @Override
            public TourResult run(TourContext context) throws Exception {
                ran.add(name);
                return body.run(context);
            }
        };
    }

    @FunctionalInterface
    private interface Body {
        TourResult run(TourContext context) throws Exception;
    }

    private static TourResult passed(String summary) {
        return new TourResult(true, summary, List.of(new TourResult.Metric("answer", "42", "units of nothing")), List.of());
    }

    private TourOptions options(List<String> only) {
        return new TourOptions(only, false, false, 7, dir.resolve("tour"), dir.resolve("cache"));
    }

    private String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void anEntryThatThrowsIsFailedWhileTheOthersStillRunAndTheExitStatusIsNonZero() throws Exception {
        List<TourEntry> entries = List.of(
                entry("first", c -> passed("fine")),
                entry("thrower", c -> {
                    throw new IllegalStateException("deliberate breakage");
                }),
                entry("checker", c -> new TourResult(false, "a check failed", List.of(), List.of())),
                entry("last", c -> passed("also fine")));

        int status = Tour.run(entries, options(List.of()), out, err);

        assertThat(status).isEqualTo(Tour.EXIT_FAILED);
        assertThat(ran).containsExactly("first", "thrower", "checker", "last");
        assertThat(out()).containsPattern("(?m)^thrower\\s+FAILED\\s.*threw IllegalStateException: deliberate breakage")
                .containsPattern("(?m)^checker\\s+FAILED\\s.*a check failed")
                .containsPattern("(?m)^first\\s+ok\\s.*fine")
                .containsPattern("(?m)^last\\s+ok\\s.*also fine")
                .contains("answer 42")
                .contains("2 of 4 entries FAILED");
        assertThat(err()).contains("deliberate breakage").contains("at "); // the stack trace, for whoever debugs it
        String html = Files.readString(dir.resolve("tour").resolve("index.html"));
        assertThat(html).contains("deliberate breakage", "a check failed", "also fine", "units of nothing");
    }

    @Test
    void whenEveryEntryPassesTheStatusIsZeroAndTheReportEmbedsThePlotsAndTheMachine() throws Exception {
        List<TourEntry> entries = List.of(entry("plotter", c -> {
            Path png = c.outputDir().resolve("plotter.png");
            ImageIO.write(new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB), "png", png.toFile());
            return new TourResult(true, "drew a plot", List.of(), List.of(png));
        }));

        int status = Tour.run(entries, options(List.of()), out, err);

        assertThat(status).isEqualTo(Tour.EXIT_OK);
        assertThat(Files.isDirectory(dir.resolve("cache"))).isTrue();
        String html = Files.readString(dir.resolve("tour").resolve("index.html"));
        assertThat(html).contains("data:image/png;base64,iVBOR") // the PNG signature, base64-encoded
                .contains("<th>CPU</th>", "<th>cores</th>", "<th>JDK</th>", "<th>SIMD</th>", "<th>date</th>")
                .contains("seed 7");
    }

    @Test
    void onlyRunsTheNamedEntriesInTourOrder() {
        List<TourEntry> entries = List.of(entry("a", c -> passed("")), entry("b", c -> passed("")), entry("c", c -> passed("")));

        int status = Tour.run(entries, options(List.of("c", "a")), out, err);

        assertThat(status).isEqualTo(Tour.EXIT_OK);
        assertThat(ran).containsExactly("a", "c");
    }

    @Test
    void anUnknownOnlyNameListsTheKnownNamesAndRunsNothing() {
        List<TourEntry> entries = List.of(entry("alpha", c -> passed("")), entry("beta", c -> passed("")));

        int status = Tour.run(entries, options(List.of("alpha", "gamma")), out, err);

        assertThat(status).isEqualTo(Tour.EXIT_USAGE);
        assertThat(err()).contains("no entry named gamma").contains("alpha, beta");
        assertThat(ran).isEmpty();
        assertThat(dir.resolve("tour").resolve("index.html")).doesNotExist();
    }

    @Test
    void listNamesEveryEntryAndRunsNothing() {
        List<TourEntry> entries = List.of(entry("alpha", c -> passed("")), entry("beta", c -> passed("")));

        int status = Tour.run(entries, new TourOptions(List.of(), false, true, 1, dir, dir), out, err);

        assertThat(status).isEqualTo(Tour.EXIT_OK);
        assertThat(out()).contains("alpha  test entry alpha").contains("beta   test entry beta");
        assertThat(ran).isEmpty();
    }

    @Test
    void optionsAreReadFromTheCommandLine() {
        TourOptions o = TourOptions.parse(List.of("--only", "a,b", "--full", "--seed=9", "--only=c"));
        assertThat(o.only()).containsExactly("a", "b", "c");
        assertThat(o.full()).isTrue();
        assertThat(o.seed()).isEqualTo(9);
        assertThat(TourOptions.parse(List.of()).seed()).isEqualTo(TourOptions.DEFAULT_SEED);

        assertThatThrownBy(() -> TourOptions.parse(List.of("--seed", "many")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--seed needs an integer, got 'many'");
        assertThatThrownBy(() -> TourOptions.parse(List.of("--only")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--only needs a value");
        assertThatThrownBy(() -> TourOptions.parse(List.of("--fast")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown option '--fast'");
    }
}
