package dev.jacobi.cl;

import dev.jacobi.cl.ops.ClOps;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The kernel registry: programs from another class's resources and from source, built once per
 * context, binaries cached on disk under a key that changes with the source, build logs in errors, and
 * event timing of launches.
 */
class KernelRegistryTest {
    private static final String SCALE = """
            // test kernel: y[i] = x[i] * FACTOR
            __kernel void scale(__global const float* x, __global float* y) {
                y[get_global_id(0)] = x[get_global_id(0)] * FACTOR;
            }
            """;

    @Test
    void aProgramFromAnotherModulesResourceRunsWithItsDefines() {
        ClContext ctx = ClTestSupport.context();
        // the resource lies next to this test class, as a later module's kernels lie next to its classes
        ClProgram p = ctx.kernels().program(KernelRegistryTest.class, "test_scale.cl", Map.of("FACTOR", 3));
        assertThat(ctx.kernels().program(KernelRegistryTest.class, "test_scale.cl", Map.of("FACTOR", 3))).isSameAs(p);
        try (ClTensor x = ClTensor.from(ctx, Tensor.of(new float[] {1, 2, 3}, 3));
             ClTensor y = ClTensor.empty(ctx, DType.FLOAT32, 3)) {
            p.launch("scale").arg(x.buffer()).arg(y.buffer()).run(new long[] {3}, null);
            assertThat(y.toCpu().toFloatArray()).containsExactly(3, 6, 9);
        }
    }

    @Test
    void binariesAreCachedOnDiskUnderAKeyOfDeviceDriverAndSource() {
        ClContext ctx = ClTestSupport.context();
        String unique = SCALE + "// " + System.nanoTime();
        String key = ClBinaryCache.key(ctx.device(), "-cl-std=CL1.2 -DFACTOR=2", unique);
        Path file = ClBinaryCache.folder().resolve(key + ".bin");
        assertThat(file).doesNotExist();
        ctx.kernels().programFromSource("scale", unique, Map.of("FACTOR", 2));
        assertThat(file).exists();
        assertThat(ClBinaryCache.key(ctx.device(), "-cl-std=CL1.2 -DFACTOR=2", unique + " ")).isNotEqualTo(key);
        // a second context loads the cached binary and computes the same
        try (ClContext other = ClContext.create(ctx.device())) {
            ClProgram p = other.kernels().programFromSource("scale", unique, Map.of("FACTOR", 2));
            try (ClTensor x = ClTensor.from(other, Tensor.of(new float[] {4}, 1));
                 ClTensor y = ClTensor.empty(other, DType.FLOAT32, 1)) {
                p.launch("scale").arg(x.buffer()).arg(y.buffer()).run(new long[] {1}, null);
                assertThat(y.toCpu().toFloatArray()).containsExactly(8);
            }
        }
        try {
            Files.deleteIfExists(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aBuildFailureShowsTheCompilersLog() {
        ClContext ctx = ClTestSupport.context();
        assertThatThrownBy(() -> ctx.kernels().programFromSource("broken", "__kernel void f() { undeclared_thing = 1; }",
                Map.of())).isInstanceOf(ClBuildException.class)
                .hasMessageContaining("broken").hasMessageContaining("-cl-std=CL1.2")
                .hasMessageContaining("undeclared_thing");
    }

    @Test
    void missingResourcesAreNamed() {
        ClContext ctx = ClTestSupport.context();
        assertThatThrownBy(() -> ctx.kernels().program("no_such_kernel.cl", Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no_such_kernel.cl");
    }

    @Test
    void theProfilerRecordsEachLaunchWithItsKernelName() {
        ClContext ctx = ClTestSupport.context();
        try (ClTensor x = ClTensor.from(ctx, Tensor.ones(DType.FLOAT32, 1000))) {
            ctx.profiler().clear();
            ctx.profiler().enable();
            try {
                ClOps.unary(dev.jacobi.tensor.ops.UnaryOp.EXP, x).close();
                ClOps.softmax(x, 0).close();
            } finally {
                ctx.profiler().disable();
            }
            assertThat(ctx.profiler().timings()).extracting(LaunchTiming::kernel)
                    .containsExactly("unary_contig", "softmax_rows");
            assertThat(ctx.profiler().timings()).allSatisfy(t -> assertThat(t.runNanos()).isPositive());
            ctx.profiler().clear();
        }
    }
}
