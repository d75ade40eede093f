package dev.jacobi.tensor;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Ownership of off-heap memory: scopes free, use after free throws, memory stays flat. */
class ScopeTest {

    @Test
    void useAfterFreeThrowsAClearException() {
        Tensor t;
        Tensor view;
        try (var scope = Scope.open()) {
            t = Tensor.ones(DType.FLOAT32, 4, 4);
            view = t.transpose(0, 1);
            assertThat(t.isAlive()).isTrue();
        }
        assertThat(t.isAlive()).isFalse();
        assertThatThrownBy(() -> t.add(1.0)).isInstanceOf(FreedTensorException.class).hasMessageContaining("Scope");
        assertThatThrownBy(view::toDoubleArray).isInstanceOf(FreedTensorException.class);
        assertThatThrownBy(() -> t.getDouble(0, 0)).isInstanceOf(FreedTensorException.class);
        assertThat(t.toString()).contains("freed");
    }

    @Test
    void keepMovesATensorOutOfItsScope() {
        Tensor kept;
        try (var scope = Scope.open()) {
            Tensor t = Tensor.of(new float[] {1, 2, 3}, 3);
            kept = scope.keep(t.mul(2.0));
        }
        assertThat(kept.toFloatArray()).containsExactly(2, 4, 6);
    }

    @Test
    void scopesNestAndMustCloseInnermostFirst() {
        try (var outer = Scope.open()) {
            Tensor a = Tensor.zeros(DType.FLOAT64, 2);
            Tensor b;
            try (var inner = Scope.open()) {
                b = Tensor.zeros(DType.FLOAT64, 2);
                assertThatThrownBy(outer::close).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("innermost");
            }
            assertThat(b.isAlive()).isFalse();
            assertThat(a.isAlive()).isTrue();
        }
    }

    @Test
    void tensorsOutsideScopesAreReclaimedByTheGarbageCollector() throws InterruptedException {
        // A large tensor made outside any scope holds a pooled block; once unreachable, the GC's
        // cleaner hands that block back to the pool, which then holds at least its bytes more.
        long bytes = 8L << 20;
        Tensor t = Tensor.ones(DType.FLOAT32, (int) (bytes / 4));
        assertThat(t.isAlive()).isTrue();
        assertThat(t.add(t).getDouble(12345)).isEqualTo(2.0);
        long freeBefore = NativePool.freeBytes();
        t = null;
        boolean returned = false;
        for (int i = 0; i < 100 && !returned; i++) {
            System.gc();
            Thread.sleep(20);
            returned = NativePool.freeBytes() >= freeBefore + bytes;
        }
        assertThat(returned).as("the block of an unreachable tensor went back to the pool").isTrue();
    }

    @Test
    void hundredThousandScopedStepsKeepNativeMemoryFlat() throws IOException {
        Tensor w = Tensor.ones(DType.FLOAT32, 1024);
        Runnable step = () -> {
            Tensor x = Tensor.full(DType.FLOAT32, 0.5, 1024);
            x.mul(w).add(1.0).exp();
        };
        for (int i = 0; i < 50_000; i++) { // let the JIT and the Java heap reach their steady size first
            try (var scope = Scope.open()) {
                step.run();
            }
        }
        long scopedBefore = Scope.liveBytes();
        long residentBefore = residentBytes();
        long peakScoped = 0;
        for (int i = 0; i < 100_000; i++) {
            try (var scope = Scope.open()) {
                step.run();
                peakScoped = Math.max(peakScoped, Scope.liveBytes() - scopedBefore);
            }
        }
        // Each step holds 4 tensors of 4 KiB plus 0-d scalars while its scope is open. Without freeing,
        // 100k steps would hold about 1.6 GB; the resident set may wobble by the Java heap's growth.
        assertThat(peakScoped).as("bytes held inside one step").isGreaterThanOrEqualTo(4 * 4096);
        assertThat(Scope.liveBytes()).as("bytes held by scopes after 100k steps").isEqualTo(scopedBefore);
        if (residentBefore > 0) {
            assertThat(residentBytes() - residentBefore).as("resident set growth over 100k steps").isLessThan(400L << 20);
        }
    }

    /** The resident set size of this process from /proc/self/statm (0 where there is no /proc). */
    private static long residentBytes() throws IOException {
        Path statm = Path.of("/proc/self/statm");
        if (!Files.isReadable(statm)) {
            return 0;
        }
        String[] fields = Files.readString(statm).trim().split(" +");
        return Long.parseLong(fields[1]) * 4096;
    }
}
