package dev.jacobi.cl.ops;

import dev.jacobi.cl.ClContext;
import dev.jacobi.cl.ClTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The GEMM auto-tuner times its candidates, keeps the fastest and stores it per device. */
class GemmTunerTest {
    @Test
    void theFastestCandidateIsStoredForTheDevice(@TempDir Path dir) {
        ClContext ctx = ClTestSupport.context();
        Path file = dir.resolve(ClGemmTuner.FILE_NAME);
        List<GemmTileConfig> candidates = List.of(new GemmTileConfig(8, 8, 4, 4, 16, 4), new GemmTileConfig(4, 8, 2, 4, 8, 2));
        assertThat(ClGemmTuner.stored(ctx.device(), file)).isNull();
        ClGemmTuner.Result r = ClGemmTuner.tune(ctx, 64, candidates, file, null);
        assertThat(r.gflops().keySet()).containsExactlyInAnyOrderElementsOf(candidates);
        double bestRate = r.gflops().values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        assertThat(r.gflops().get(r.best())).isEqualTo(bestRate);
        assertThat(ClGemmTuner.stored(ctx.device(), file)).isEqualTo(r.best());
        assertThat(ClGemmTuner.configFor(ctx)).isEqualTo(r.best());
    }
}
