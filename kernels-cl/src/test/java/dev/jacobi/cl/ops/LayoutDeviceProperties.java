package dev.jacobi.cl.ops;

import dev.jacobi.cl.ClContext;
import dev.jacobi.cl.ClTensor;
import dev.jacobi.cl.ClTestSupport;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * Copies: CPU to device and back, and device layout changes (permute, transpose, expand, reshape) made
 * contiguous on the device, against the same views on the CPU. Copies move bits: exact equality.
 */
class LayoutDeviceProperties {
    @Test
    void permutedAndPaddedViewsBecomeContiguousExactly() {
        ClContext ctx = ClTestSupport.context();
        qt().withExamples(60).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            int[] shape = ClTestSupport.shape(rnd, rnd.nextInt(5), 8);
            var x = ClTestSupport.random(ctx, rnd, shape, 1);
            int[] perm = ClTestSupport.permutation(rnd, shape.length);
            try (ClTensor c = ClOps.contiguous(x.device().permute(perm))) {
                assertThat(c.isContiguous()).isTrue();
                ClTestSupport.assertClose(c.toCpu(), x.cpu().permute(perm).contiguous(), 0, 0,
                        Shapes.format(shape) + " permuted " + java.util.Arrays.toString(perm) + " seed " + seed);
            }
            x.device().close();
        });
    }

    @Test
    void batchedTransposesTakeTheTiledKernelAtOddSizes() {
        ClContext ctx = ClTestSupport.context();
        for (int[] shape : new int[][] {{1, 1}, {17, 33}, {3, 40, 5}, {2, 1, 70}, {65, 16}}) {
            var x = ClTestSupport.random(ctx, new Random(shape.length * 31L + shape[0]), shape, 0);
            try (ClTensor c = ClOps.contiguous(x.device().mT())) {
                ClTestSupport.assertClose(c.toCpu(), x.cpu().mT().contiguous(), 0, 0, "mT of " + Shapes.format(shape));
            }
            x.device().close();
        }
    }

    @Test
    void roundTripsKeepEveryDtypeTheDeviceStores() {
        ClContext ctx = ClTestSupport.context();
        Generator gen = Generator.seeded(9);
        for (DType dt : DType.values()) {
            if ((dt == DType.FLOAT64 || dt == DType.COMPLEX128) && !ctx.device().supportsFp64()) {
                continue;
            }
            Tensor t = Tensor.randn(gen, 5, 7).mul(10).to(dt);
            try (ClTensor d = ClTensor.from(ctx, t.mT())) { // a non-contiguous source is copied contiguous first
                Tensor back = d.toCpu();
                assertThat(back.dtype()).isEqualTo(dt);
                assertThat(back.shape()).isEqualTo(new int[] {7, 5});
                assertThat(back.toDoubleArray()).as(dt.toString()).isEqualTo(t.mT().contiguous().toDoubleArray());
            }
        }
    }

    @Test
    void expandAndReshapeViewsReadTheRightElements() {
        ClContext ctx = ClTestSupport.context();
        Tensor t = Tensor.randn(Generator.seeded(4), 3, 1, 4);
        try (ClTensor d = ClTensor.from(ctx, t)) {
            ClTestSupport.assertClose(d.expand(2, 3, 5, 4).toCpu(), t.expand(2, 3, 5, 4).contiguous(), 0, 0, "expand");
            ClTestSupport.assertClose(d.reshape(4, -1).toCpu(), t.reshape(4, -1), 0, 0, "reshape");
            ClTestSupport.assertClose(d.unsqueeze(0).transpose(0, 3).toCpu(), t.unsqueeze(0).transpose(0, 3).contiguous(),
                    0, 0, "unsqueeze/transpose");
            assertThatThrownBy(() -> d.expand(3, 2, 5)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("expand").hasMessageContaining("[3, 1, 4]");
        }
    }
}
