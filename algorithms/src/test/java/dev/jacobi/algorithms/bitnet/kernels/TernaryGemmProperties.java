package dev.jacobi.algorithms.bitnet.kernels;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.cpu.Simd;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.jacobi.algorithms.bitnet.kernels.TernaryCases.ints;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * The packed products against a dense product of the unpacked codes written in {@link TernaryCases}
 * (64-bit sums): equality is exact, since both are integer sums that fit int32. Shapes are random with
 * odd batches, row counts that are not multiples of the 32-row groups or vector widths, and activations
 * over the whole int8 range (-128 included, where a byte negation would wrap); both the vector and the
 * scalar kernels run, and a few larger cases take the multithreaded split and the long-row paths.
 */
class TernaryGemmProperties {
    @Test
    void productsEqualTheDenseIntReference() {
        qt().withExamples(60).forAll(longs().all()).checkAssert(seed -> check(new Random(seed), 70, 3, 9, "seed " + seed));
    }

    @Test
    void largerProductsSplitOverThreadsEqualTheReference() {
        Random rnd = new Random(11);
        for (int i = 0; i < 4; i++) {
            check(rnd, 300, 40, 70, "large case " + i);
        }
    }

    private static void check(Random rnd, int maxRows, int maxBlocks, int maxBatch, String what) {
        int rows = 1 + rnd.nextInt(maxRows);
        boolean i2s = rnd.nextBoolean();
        int cols = i2s ? 128 * (1 + rnd.nextInt(maxBlocks)) : 4 * (1 + rnd.nextInt(32 * maxBlocks));
        int batch = rnd.nextInt(3) == 0 ? 1 : 1 + rnd.nextInt(maxBatch);
        byte[] c = TernaryCases.codes(rnd, rows, cols, rnd.nextDouble());
        byte[] x = TernaryCases.activations(rnd, batch * cols);
        Tensor codes = Tensor.ofBytes(c, rows, cols);
        PackedTernary w = i2s ? PackedTernary.i2s(codes) : PackedTernary.tl1(codes);
        int[] expected = TernaryCases.reference(c, rows, cols, x, batch);
        String desc = what + ": " + w.getClass().getSimpleName() + " [" + rows + ", " + cols + "] batch " + batch;
        for (boolean vector : Simd.enabled() ? new boolean[] {true, false} : new boolean[] {false}) {
            Tensor y = TernaryGemm.multiply(w, Tensor.ofBytes(x, batch, cols), vector);
            assertThat(y.dtype()).isEqualTo(DType.INT32);
            assertThat(y.shape()).containsExactly(batch, rows);
            assertThat(ints(y)).as(desc + (vector ? " vector" : " scalar")).isEqualTo(expected);
        }
    }

    @Test
    void aVectorOfActivationsGivesAVector() {
        Random rnd = new Random(5);
        byte[] c = TernaryCases.codes(rnd, 33, 256, 0.3);
        byte[] x = TernaryCases.activations(rnd, 256);
        for (PackedTernary w : new PackedTernary[] {PackedTernary.i2s(Tensor.ofBytes(c, 33, 256)),
                PackedTernary.tl1(Tensor.ofBytes(c, 33, 256))}) {
            Tensor y = TernaryGemm.multiply(w, Tensor.ofBytes(x, 256));
            assertThat(y.shape()).containsExactly(33);
            assertThat(ints(y)).isEqualTo(TernaryCases.reference(c, 33, 256, x, 1));
        }
    }

    @Test
    void badActivationsAreRejected() {
        PackedTernary w = PackedTernary.i2s(Tensor.zeros(DType.INT8, 4, 128));
        assertThatThrownBy(() -> TernaryGemm.multiply(w, Tensor.zeros(DType.FLOAT32, 2, 128)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TernaryGemm.multiply")
                .hasMessageContaining("float32 [2, 128]");
        assertThatThrownBy(() -> TernaryGemm.multiply(w, Tensor.zeros(DType.INT8, 2, 64)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[4, 128]").hasMessageContaining("[2, 64]");
    }
}
