package dev.jacobi.bench.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line sends each subcommand to its code and answers anything else with help and status 2. */
class CommandLineTest {
    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    private int run(String... args) {
        return Main.run(List.of(args), out, err);
    }

    private String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpListsEverySubcommandWithItsUsage() {
        assertThat(run("--help")).isZero();
        assertThat(out()).contains("./jacobi tour [--only NAME[,NAME...]] [--full] [--list] [--seed N]",
                "./jacobi bench gemm", "./jacobi bench jmh", "./jacobi help", "./jacobi --version");
        for (Main.Command c : Main.COMMANDS) {
            assertThat(out()).contains(c.name().equals("bench") ? "./jacobi bench gemm" : c.description());
        }
    }

    @Test
    void anUnknownCommandIsNamedAndExitsWithStatus2() {
        assertThat(run("frobnicate")).isEqualTo(Main.EXIT_USAGE);
        assertThat(err()).contains("unknown command 'frobnicate'").contains("./jacobi tour");
        assertThat(out()).isEmpty();
    }

    @Test
    void noArgumentsShowHelpAndExitWithStatus2() {
        assertThat(run()).isEqualTo(Main.EXIT_USAGE);
        assertThat(err()).contains("usage: ./jacobi COMMAND");
    }

    @Test
    void anUnknownBenchmarkIsNamed() {
        assertThat(run("bench", "fft")).isEqualTo(Main.EXIT_USAGE);
        assertThat(err()).contains("unknown command 'bench fft'").contains("bench gemm").contains("bench jmh");
        assertThat(run("bench")).isEqualTo(Main.EXIT_USAGE);
    }

    @Test
    void aBadTourOptionShowsTheTourUsage() {
        assertThat(run("tour", "--fast")).isEqualTo(Main.EXIT_USAGE);
        assertThat(err()).contains("unknown option '--fast'").contains("usage: ./jacobi tour [--only");
    }

    @Test
    void aSubcommandHelpShowsItsUsage() {
        assertThat(run("tour", "--help")).isZero();
        assertThat(out()).contains("./jacobi tour [--only").doesNotContain("bench jmh");
    }

    @Test
    void versionNamesTheProjectVersionAndTheJdk() {
        assertThat(run("--version")).isZero();
        assertThat(out()).startsWith("jacobi ").doesNotContain("unknown").doesNotContain("${")
                .contains("JDK " + Runtime.version().feature());
    }
}
