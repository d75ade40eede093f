package dev.jacobi.cl;

import dev.jacobi.cl.ops.ClOps;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Explicit ownership of device memory: close, scopes, use-after-close errors and pooling by size class. */
class BufferOwnershipTest {
    @Test
    void usingAClosedTensorThrowsAClearException() {
        ClContext ctx = ClTestSupport.context();
        ClTensor x = ClTensor.from(ctx, Tensor.ones(DType.FLOAT32, 3, 4));
        ClTensor view = x.mT();
        x.close();
        assertThatThrownBy(x::toCpu).isInstanceOf(ClosedBufferException.class)
                .hasMessageContaining("toCpu").hasMessageContaining("[3, 4]").hasMessageContaining("closed");
        assertThatThrownBy(() -> ClOps.softmax(view, -1)).isInstanceOf(ClosedBufferException.class)
                .hasMessageContaining("softmax");
        x.close(); // idempotent
    }

    @Test
    void aScopeClosesWhatWasMadeInsideItExceptWhatItKeeps() {
        ClContext ctx = ClTestSupport.context();
        ClTensor inner;
        ClTensor kept;
        try (ClScope scope = ClScope.open()) {
            inner = ClTensor.from(ctx, Tensor.ones(DType.FLOAT32, 5));
            kept = scope.keep(ClOps.unary(dev.jacobi.tensor.ops.UnaryOp.EXP, inner));
        }
        assertThat(inner.isOpen()).isFalse();
        assertThat(kept.isOpen()).isTrue();
        assertThat(kept.toCpu().toFloatArray()).containsOnly((float) Math.E);
        kept.close();
    }

    @Test
    void closedBuffersAreReusedForRequestsOfTheSameSizeClass() {
        ClContext ctx = ClTestSupport.context();
        ClBuffer a = ctx.allocate(10_000);
        long capacity = a.capacity();
        a.close();
        long hits = ctx.pool().hits();
        ClBuffer b = ctx.allocate(capacity - 7); // same class
        assertThat(ctx.pool().hits()).isEqualTo(hits + 1);
        assertThat(b.capacity()).isEqualTo(capacity);
        b.close();
    }

    @Test
    void sizeClassesWasteAtMostAQuarterAboveFourKilobytes() {
        assertThat(ClBufferPool.sizeClass(0)).isEqualTo(ClBufferPool.MIN_CLASS);
        assertThat(ClBufferPool.sizeClass(300)).isEqualTo(512);
        assertThat(ClBufferPool.sizeClass(4096)).isEqualTo(4096);
        for (long n = 4097; n < 10_000_000; n = n * 3 / 2 + 1) {
            long c = ClBufferPool.sizeClass(n);
            assertThat(c).isGreaterThanOrEqualTo(n);
            assertThat((double) c / n).as("class of " + n).isLessThanOrEqualTo(1.25);
            assertThat(ClBufferPool.sizeClass(c)).isEqualTo(c);
        }
    }

    @Test
    void float64NeedsTheFp64Extension() {
        ClContext ctx = ClTestSupport.context();
        Tensor d = Tensor.of(new double[] {1.5, -2.25}, 2);
        if (ctx.device().supportsFp64()) {
            try (ClTensor x = ClTensor.from(ctx, d)) {
                assertThat(x.toCpu().toDoubleArray()).containsExactly(1.5, -2.25);
            }
        } else {
            assertThatThrownBy(() -> ClTensor.from(ctx, d)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cl_khr_fp64");
        }
    }
}
