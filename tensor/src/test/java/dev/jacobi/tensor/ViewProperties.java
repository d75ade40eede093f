package dev.jacobi.tensor;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * View operations against their index definitions, element by element (exact: views copy nothing and
 * compute nothing), on random shapes and layouts; plus the no-copy promise (views share storage).
 */
class ViewProperties {

    @Test
    void permuteMovesEveryIndexAndSharesStorage() {
        qt().withExamples(200).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            int rank = rnd.nextInt(5);
            Tensor t = TestTensors.random(rnd, DType.FLOAT32, TestTensors.shape(rnd, rank, 4), rnd.nextInt(4));
            int[] order = TestTensors.permutation(rnd, rank);
            Tensor p = t.permute(order);
            assertThat(p.storage()).isSameAs(t.storage());
            for (int[] ix : TestTensors.indices(p.shape())) {
                int[] src = new int[rank];
                for (int i = 0; i < rank; i++) {
                    src[order[i]] = ix[i];
                }
                assertThat(p.getDouble(ix)).isEqualTo(t.getDouble(src));
            }
        });
    }

    @Test
    void reshapeKeepsRowMajorOrderAndViewsWhenStridesAllow() {
        qt().withExamples(200).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            Tensor t = TestTensors.random(rnd, DType.FLOAT64, TestTensors.shape(rnd, rnd.nextInt(4), 5), rnd.nextInt(4));
            int[] target = factor(rnd, (int) t.numel());
            Tensor r = t.reshape(target);
            assertThat(r.shape()).containsExactly(target);
            assertThat(TestTensors.naiveValues(r)).containsExactly(TestTensors.naiveValues(t));
            if (t.isContiguous()) {
                assertThat(r.storage()).isSameAs(t.storage());
            }
            assertThat(t.reshape(-1).shape()).containsExactly((int) t.numel());
        });
    }

    @Test
    void viewOfTransposedSplitsAndMergesCompatibleDims() {
        Tensor stepped = Tensor.arange(48).reshape(4, 12).slice(1, 0, 12, 2); // [4, 6], strides [12, 2]: one stride-2 run
        assertThat(stepped.view(24).strides()).containsExactly(2);
        Tensor t = Tensor.arange(48).reshape(4, 12).slice(1, 0, 6); // [4, 6], strides [12, 1]: rows with gaps
        Tensor v = t.view(2, 2, 2, 3); // splitting dims needs no copy
        assertThat(v.storage()).isSameAs(t.storage());
        assertThat(v.strides()).containsExactly(24, 12, 3, 1);
        assertThat(TestTensors.naiveValues(v)).containsExactly(TestTensors.naiveValues(t));
        Tensor merged = Tensor.arange(24).reshape(2, 3, 4).transpose(0, 2).transpose(0, 2).view(6, 4);
        assertThat(merged.isContiguous()).isTrue();
        assertThatThrownBy(() -> t.view(24)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("view").hasMessageContaining("[24]").hasMessageContaining("reshape");
        assertThat(TestTensors.naiveValues(t.reshape(24))).containsExactly(TestTensors.naiveValues(t));
        Tensor p = Tensor.arange(24).reshape(2, 3, 4).permute(1, 0, 2); // [3, 2, 4], strides [4, 12, 1]
        assertThat(p.view(3, 2, 2, 2).strides()).containsExactly(4, 12, 2, 1);
    }

    @Test
    void sliceSelectAndFlipFollowPythonIndexing() {
        qt().withExamples(200).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            int rank = 1 + rnd.nextInt(3);
            Tensor t = TestTensors.random(rnd, DType.INT32, TestTensors.shape(rnd, rank, 6), rnd.nextInt(4));
            int dim = rnd.nextInt(rank);
            int n = t.size(dim);
            int start = rnd.nextInt(2 * n + 3) - n - 1;
            int end = rnd.nextInt(2 * n + 3) - n - 1;
            int step = 1 + rnd.nextInt(3);
            Tensor s = t.slice(dim, start, end, step);
            int s0 = Math.clamp(start < 0 ? start + n : start, 0, n);
            int e0 = Math.clamp(end < 0 ? end + n : end, 0, n);
            int[] picked = java.util.stream.IntStream.iterate(s0, i -> i < e0, i -> i + step).toArray();
            assertThat(s.size(dim)).isEqualTo(picked.length);
            for (int[] ix : TestTensors.indices(s.shape())) {
                int[] src = ix.clone();
                src[dim] = picked[ix[dim]];
                assertThat(s.getDouble(ix)).isEqualTo(t.getDouble(src));
            }
            Tensor f = t.flip(dim);
            for (int[] ix : TestTensors.indices(f.shape())) {
                int[] src = ix.clone();
                src[dim] = n - 1 - ix[dim];
                assertThat(f.getDouble(ix)).isEqualTo(t.getDouble(src));
            }
            if (n > 0) {
                int k = rnd.nextInt(n);
                Tensor sel = t.select(dim, k - (rnd.nextBoolean() ? n : 0));
                for (int[] ix : TestTensors.indices(sel.shape())) {
                    int[] src = new int[rank];
                    for (int i = 0, j = 0; i < rank; i++) {
                        src[i] = i == dim ? k : ix[j++];
                    }
                    assertThat(sel.getDouble(ix)).isEqualTo(t.getDouble(src));
                }
            }
        });
    }

    @Test
    void expandSqueezeUnsqueezeAndUnfold() {
        Tensor col = Tensor.of(new double[] {1, 2, 3}, 3, 1);
        Tensor e = col.expand(2, 3, 4);
        assertThat(e.shape()).containsExactly(2, 3, 4);
        assertThat(e.strides()).containsExactly(0, 1, 0);
        assertThat(e.getDouble(1, 2, 3)).isEqualTo(3);
        assertThat(e.contiguous().toDoubleArray()).hasSize(24);
        assertThatThrownBy(() -> col.expand(2, 4)).hasMessageContaining("expand").hasMessageContaining("[3, 1]");
        assertThat(col.unsqueeze(0).shape()).containsExactly(1, 3, 1);
        assertThat(col.unsqueeze(-1).shape()).containsExactly(3, 1, 1);
        assertThat(col.squeeze().shape()).containsExactly(3);
        assertThatThrownBy(() -> col.squeeze(0)).hasMessageContaining("size 3");
        Tensor w = Tensor.arange(7).unfold(0, 3, 2); // windows [0,1,2], [2,3,4], [4,5,6]
        assertThat(w.shape()).containsExactly(3, 3);
        assertThat(w.contiguous().toIntArray()).containsExactly(0, 1, 2, 2, 3, 4, 4, 5, 6);
    }

    @Test
    void contiguousCopiesOnlyWhenNeeded() {
        Tensor t = Tensor.zeros(DType.FLOAT32, 3, 4);
        assertThat(t.contiguous()).isSameAs(t);
        Tensor tt = t.transpose(0, 1);
        assertThat(tt.isContiguous()).isFalse();
        assertThat(tt.contiguous().isContiguous()).isTrue();
        assertThat(Tensor.zeros(DType.FLOAT32, 1, 5).transpose(0, 1).isContiguous()).isTrue();
    }

    @Test
    void badArgumentsNameTheOpAndShape() {
        Tensor t = Tensor.zeros(DType.FLOAT32, 2, 3);
        assertThatThrownBy(() -> t.reshape(4, 2)).hasMessageContaining("reshape").hasMessageContaining("[2, 3]")
                .hasMessageContaining("[4, 2]");
        assertThatThrownBy(() -> t.permute(0, 0)).hasMessageContaining("permute");
        assertThatThrownBy(() -> t.transpose(0, 2)).hasMessageContaining("axis 2").hasMessageContaining("rank 2");
        assertThatThrownBy(() -> t.select(1, 3)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> t.slice(0, 0, 2, 0)).hasMessageContaining("step");
        assertThatThrownBy(() -> Tensor.of(new float[5], 2, 3)).hasMessageContaining("5 values")
                .hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> t.getDouble(2, 0)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    /** A random shape with {@code n} elements (for n = 0: contains a 0). */
    private static int[] factor(Random rnd, int n) {
        if (n == 0) {
            return new int[] {rnd.nextInt(3), 0, 1 + rnd.nextInt(2)};
        }
        java.util.List<Integer> dims = new java.util.ArrayList<>();
        int rest = n;
        for (int f = 2; f <= rest; f++) {
            while (rest % f == 0 && rnd.nextBoolean()) {
                dims.add(f);
                rest /= f;
            }
        }
        dims.add(rest);
        if (rnd.nextBoolean()) {
            dims.add(rnd.nextInt(dims.size() + 1), 1);
        }
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }
}
