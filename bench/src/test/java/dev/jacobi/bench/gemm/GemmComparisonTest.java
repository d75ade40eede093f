package dev.jacobi.bench.gemm;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@link GemmComparison}'s options, rows and checks on a product small enough for a unit test. */
class GemmComparisonTest {
    @Test
    void parsesSizesThreadsAndRejectsUnknownOptions() {
        GemmComparison.Options o = GemmComparison.parse(
                new String[] {"--sizes", "64,96", "--threads", "1", "--naive-max", "96", "--seconds", "0"},
                GemmComparison.Options.defaults());
        assertThat(o.sizes()).containsExactly(64, 96);
        assertThat(o.threads()).containsExactly(1);
        assertThat(o.naiveMaxSize()).isEqualTo(96);
        assertThat(GemmComparison.parse(new String[] {"--help"}, GemmComparison.Options.defaults())).isNull();
        assertThatThrownBy(() -> GemmComparison.parse(new String[] {"--size", "3"}, GemmComparison.Options.defaults()))
                .hasMessage("unknown option --size");
        assertThatThrownBy(() -> GemmComparison.parse(new String[] {"--sizes", "0"}, GemmComparison.Options.defaults()))
                .hasMessage("bad value '0' for --sizes");
    }

    /** Every implementation that can run is measured, the naive loop only on one thread, and the check passes. */
    @Test
    void measuresEveryAvailableImplementationAndChecksJacobi() {
        GemmComparison.Options o = new GemmComparison.Options(List.of(48), List.of(1, 2), 48, 1, 1, 0.0, 7);
        List<GemmComparison.Row> rows = GemmComparison.run(o, null);
        assertThat(rows).hasSize(2);
        for (GemmComparison.Row r : rows) {
            assertThat(r.correct()).as("error / bound %s", r.errorToBound()).isTrue();
            assertThat(r.gflops(GemmImpl.JACOBI)).isPositive();
            assertThat(r.gflops(GemmImpl.EJML)).isPositive();
            assertThat(r.timings().get(GemmImpl.NAIVE).measured()).isEqualTo(r.threads() == 1);
            assertThat(r.timings().get(GemmImpl.OPENBLAS).measured()).isEqualTo(OpenBlas.isAvailable());
            if (OpenBlas.isAvailable()) {
                // Same products, different summation orders: far below 1e-5 of the largest entry.
                assertThat(r.differenceToOpenBlas()).isLessThan(1e-5);
            }
        }
        String table = GemmComparison.table(rows, o);
        assertThat(table).contains("jacobi/openblas").contains("err/bound");
    }

    /** A wrong result (here, C left as NaN) fails the check instead of passing silently. */
    @Test
    void errorCheckRejectsAWrongResult() {
        try (GemmProblem p = GemmProblem.create(32, 3)) {
            p.poisonResult();
            assertThat(p.errorToBound(p.result(GemmImpl.JACOBI), 100, 1)).isNaN();
            GemmImpl.JACOBI.multiply(p, 1);
            float[] c = p.result(GemmImpl.JACOBI);
            assertThat(p.errorToBound(c, 2000, 1)).isLessThanOrEqualTo(1);
            c[5] += 1e-3f;
            assertThat(p.errorToBound(c, 2000, 1)).isGreaterThan(1);
        }
    }

    @Test
    void openBlasMatchesTheNaiveLoopWhenInstalled() {
        assumeTrue(OpenBlas.isAvailable(), OpenBlas.unavailableReason());
        try (GemmProblem p = GemmProblem.create(40, 5)) {
            GemmImpl.OPENBLAS.prepare(1);
            GemmImpl.OPENBLAS.multiply(p, 1);
            assertThat(p.errorToBound(p.result(GemmImpl.OPENBLAS), 2000, 2)).isLessThanOrEqualTo(1);
        }
    }
}
