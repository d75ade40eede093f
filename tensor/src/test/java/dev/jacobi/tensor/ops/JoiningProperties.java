package dev.jacobi.tensor.ops;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.jacobi.tensor.TestTensors.indices;
import static dev.jacobi.tensor.TestTensors.shape;
import static dev.jacobi.tensor.ops.ShapingSamples.anyDType;
import static dev.jacobi.tensor.ops.ShapingSamples.flat;
import static dev.jacobi.tensor.ops.ShapingSamples.random;
import static dev.jacobi.tensor.ops.ShapingSamples.width;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * concat, stack, split and chunk against index definitions written out in the test. All comparisons are
 * exact: these operations only move (and widen, which is exact for the values used) elements.
 */
class JoiningProperties {
    /** Dtypes whose promotions hold the sample values exactly (bfloat16 would round int32 samples). */
    private static final DType[] MIXABLE = {DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.INT8, DType.BOOL,
            DType.COMPLEX64, DType.COMPLEX128};

    @Test
    void splitThenConcatIsTheIdentityAndSplitReturnsViews() {
        qt().withExamples(200).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            int rank = 1 + rnd.nextInt(4);
            Tensor t = random(rnd, anyDType(rnd), shape(rnd, rank, 6));
            int dim = rnd.nextInt(rank) - (rnd.nextBoolean() ? rank : 0);
            int n = t.size(dim);
            int[] sizes = partition(rnd, n);
            List<Tensor> parts = t.split(sizes, dim);
            assertThat(parts).hasSize(sizes.length);
            for (int i = 0; i < parts.size(); i++) {
                assertThat(parts.get(i).storage()).isSameAs(t.storage());
                assertThat(parts.get(i).size(dim)).isEqualTo(sizes[i]);
            }
            Tensor joined = Tensor.concat(parts, dim);
            assertThat(joined.dtype()).isEqualTo(t.dtype());
            assertThat(joined.shape()).containsExactly(t.shape());
            assertThat(joined.toDoubleArray()).containsExactly(t.toDoubleArray());
        });
    }

    @Test
    void concatPlacesEachTensorAfterTheOnesBeforeItAndPromotes() {
        qt().withExamples(200).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            int rank = 1 + rnd.nextInt(3);
            int dim = rnd.nextInt(rank);
            int[] base = shape(rnd, rank, 4);
            int count = 1 + rnd.nextInt(4);
            List<Tensor> parts = new ArrayList<>();
            DType expected = null;
            for (int i = 0; i < count; i++) {
                int[] s = base.clone();
                s[dim] = rnd.nextInt(4);
                DType dt = MIXABLE[rnd.nextInt(MIXABLE.length)];
                expected = expected == null ? dt : DType.promote(expected, dt);
                parts.add(random(rnd, dt, s));
            }
            Tensor out = Tensor.concat(parts, dim);
            assertThat(out.dtype()).isEqualTo(expected);
            // Naive reference: walk the output; the index along dim says which part and where in it.
            int w = width(expected);
            double[] got = out.toDoubleArray();
            int[] outShape = out.shape();
            for (int[] ix : indices(outShape)) {
                int k = 0;
                int at = ix[dim];
                while (at >= parts.get(k).size(dim)) {
                    at -= parts.get(k).size(dim);
                    k++;
                }
                int[] src = ix.clone();
                src[dim] = at;
                Tensor part = parts.get(k);
                int o = flat(ix, outShape) * w;
                assertThat(got[o]).isEqualTo(part.getDouble(src));
                if (w == 2) {
                    assertThat(got[o + 1]).isEqualTo(part.getImag(src));
                }
            }
        });
    }

    @Test
    void stackedSlicesAreTheInputs() {
        qt().withExamples(150).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            int rank = rnd.nextInt(4);
            int[] s = shape(rnd, rank, 4);
            DType dt = anyDType(rnd);
            List<Tensor> parts = new ArrayList<>();
            for (int i = 0, count = 1 + rnd.nextInt(4); i < count; i++) {
                parts.add(random(rnd, dt, s));
            }
            int dim = rnd.nextInt(rank + 1);
            Tensor out = Tensor.stack(parts, dim - (rnd.nextBoolean() ? rank + 1 : 0));
            assertThat(out.rank()).isEqualTo(rank + 1);
            assertThat(out.size(dim)).isEqualTo(parts.size());
            for (int i = 0; i < parts.size(); i++) {
                assertThat(out.select(dim, i).shape()).containsExactly(s);
                if (out.numel() > 0) { // Tensor.toDoubleArray of an empty view past the storage end throws (core issue)
                    assertThat(out.select(dim, i).toDoubleArray()).containsExactly(parts.get(i).toDoubleArray());
                }
            }
        });
    }

    @Test
    void chunkUsesCeilingSizedPiecesAsTorch() {
        qt().withExamples(200).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            int n = rnd.nextInt(20);
            int chunks = 1 + rnd.nextInt(8);
            Tensor t = random(rnd, DType.INT32, new int[] {2, n}).transpose(0, 1);
            List<Tensor> pieces = t.chunk(chunks, 0);
            // torch.chunk: pieces of ceil(n / chunks), as many as needed; one empty piece when n == 0.
            int piece = (n + chunks - 1) / chunks;
            int expectedCount = n == 0 ? 1 : (n + piece - 1) / piece;
            assertThat(pieces).hasSize(expectedCount);
            int covered = 0;
            for (Tensor p : pieces) {
                assertThat(p.size(0)).isEqualTo(Math.min(piece, n - covered));
                covered += p.size(0);
            }
            assertThat(covered).isEqualTo(n);
            assertThat(Tensor.concat(pieces, 0).toDoubleArray()).containsExactly(t.toDoubleArray());
        });
        assertThat(Tensor.zeros(DType.FLOAT32, 5).chunk(4, 0)).extracting(p -> p.size(0)).containsExactly(2, 2, 1);
        assertThat(Tensor.zeros(DType.FLOAT32, 6).chunk(4, 0)).extracting(p -> p.size(0)).containsExactly(2, 2, 2);
    }

    @Test
    void badInputsAreRejectedWithTheOpThePositionAndTheShapes() {
        Tensor a = Tensor.zeros(DType.FLOAT32, 2, 3);
        Tensor b = Tensor.zeros(DType.FLOAT32, 2, 4);
        Tensor c = Tensor.zeros(DType.FLOAT32, 5, 4);
        assertThatThrownBy(() -> Tensor.concat(List.of(a, b, c), 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("concat").hasMessageContaining("tensor 1")
                .hasMessageContaining("[2, 4]").hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> Tensor.concat(List.of(a, Tensor.zeros(DType.FLOAT32, 0)), 0))
                .hasMessageContaining("concat").hasMessageContaining("tensor 1").hasMessageContaining("[0]");
        assertThatThrownBy(() -> Tensor.concat(List.of(), 0)).hasMessageContaining("concat");
        assertThatThrownBy(() -> Tensor.concat(List.of(Tensor.scalar(1)), 0)).hasMessageContaining("concat")
                .hasMessageContaining("0-dimensional");
        assertThatThrownBy(() -> Tensor.concat(List.of(a), 2)).hasMessageContaining("concat").hasMessageContaining("axis 2");
        assertThatThrownBy(() -> Tensor.stack(List.of(a, a, b), 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stack").hasMessageContaining("tensor 2").hasMessageContaining("[2, 4]");
        assertThatThrownBy(() -> a.split(new int[] {1, 1}, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("split").hasMessageContaining("[1, 1]").hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> a.split(new int[] {4, -1}, 1)).hasMessageContaining("split").hasMessageContaining("negative");
        assertThatThrownBy(() -> a.chunk(0, 1)).hasMessageContaining("chunk").hasMessageContaining("0");
    }

    /** Random non-negative sizes adding up to n (zeros included). */
    private static int[] partition(Random rnd, int n) {
        List<Integer> sizes = new ArrayList<>();
        int left = n;
        while (left > 0 || sizes.isEmpty() || rnd.nextInt(4) == 0) {
            int s = left == 0 ? 0 : rnd.nextInt(left + 1);
            sizes.add(s);
            left -= s;
            if (sizes.size() > 6) {
                sizes.add(left);
                left = 0;
                break;
            }
        }
        return sizes.stream().mapToInt(Integer::intValue).toArray();
    }
}
