package dev.jacobi.tensor.ops;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import dev.jacobi.tensor.ops.ShapingSamples.GatherShapes;

import static dev.jacobi.tensor.TestTensors.indices;
import static dev.jacobi.tensor.TestTensors.shape;
import static dev.jacobi.tensor.ops.ShapingSamples.anyDType;
import static dev.jacobi.tensor.ops.ShapingSamples.dot;
import static dev.jacobi.tensor.ops.ShapingSamples.flat;
import static dev.jacobi.tensor.ops.ShapingSamples.random;
import static dev.jacobi.tensor.ops.ShapingSamples.randomIndex;
import static dev.jacobi.tensor.ops.ShapingSamples.stored;
import static dev.jacobi.tensor.ops.ShapingSamples.width;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * gather, scatterAdd and indexSelect against naive loops over {@code toDoubleArray()} (exact: gather and
 * indexSelect move elements; the scatter sums are of small integers or sixteenths, exact in every dtype
 * used), the gather / scatter-add adjoint identity, and the error messages.
 */
class IndexingProperties {
    /** Dtypes in which sums of the samples are exact (int8 would wrap, bfloat16 round). */
    private static final DType[] SUMMABLE = {DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.BOOL, DType.COMPLEX128};

    @Test
    void gatherMatchesTheIndexDefinition() {
        qt().withExamples(200).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            GatherShapes g = GatherShapes.random(rnd, 5); // the index may be larger only along dim
            int rank = g.rank();
            int dim = g.dim();
            int[] ts = g.source();
            int[] is = g.index();
            DType dt = anyDType(rnd);
            Tensor t = random(rnd, dt, ts);
            Tensor index = randomIndex(rnd, is, ts[dim]);
            Tensor out = t.gather(dim - (rnd.nextBoolean() ? rank : 0), index);
            assertThat(out.dtype()).isEqualTo(dt);
            assertThat(out.shape()).containsExactly(is);
            double[] x = t.toDoubleArray();
            double[] got = out.toDoubleArray();
            int w = width(dt);
            for (int[] ix : indices(is)) {
                int[] src = ix.clone();
                src[dim] = (int) index.getDouble(ix);
                for (int p = 0; p < w; p++) {
                    assertThat(got[flat(ix, is) * w + p]).isEqualTo(x[flat(src, ts) * w + p]);
                }
            }
        });
    }

    @Test
    void scatterAddMatchesNaiveAccumulation() {
        qt().withExamples(200).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            GatherShapes g = GatherShapes.random(rnd, 6);
            int dim = g.dim();
            int[] ts = g.source();
            int[] is = g.index();
            int[] ss = new int[g.rank()];
            for (int d = 0; d < ss.length; d++) {
                ss[d] = is[d] + rnd.nextInt(2); // src may be larger than index; only its leading block is read
            }
            DType dt = SUMMABLE[rnd.nextInt(SUMMABLE.length)];
            Tensor t = random(rnd, dt, ts);
            Tensor index = randomIndex(rnd, is, ts[dim]);
            Tensor src = random(rnd, dt, ss);
            double[] before = t.toDoubleArray();
            Tensor out = t.scatterAdd(dim, index, src);
            assertThat(out.dtype()).isEqualTo(dt);
            assertThat(out.shape()).containsExactly(ts);
            // Naive float64 accumulation, then stored as the dtype would (bool: non-zero).
            int w = width(dt);
            double[] expected = t.toDoubleArray();
            double[] y = src.toDoubleArray();
            for (int[] ix : indices(is)) {
                int[] dst = ix.clone();
                dst[dim] = (int) index.getDouble(ix);
                for (int p = 0; p < w; p++) {
                    expected[flat(dst, ts) * w + p] += y[flat(ix, ss) * w + p];
                }
            }
            for (int i = 0; i < expected.length; i++) {
                expected[i] = stored(dt, expected[i]);
            }
            assertThat(out.toDoubleArray()).containsExactly(expected);
            assertThat(t.toDoubleArray()).as("the input is unchanged").containsExactly(before);
        });
    }

    @Test
    void gatherAndScatterAddAreAdjoint() {
        // <gather(x, idx), y> == <x, scatterAdd(0, idx, y)>; integer-valued float64 data makes both sides exact.
        qt().withExamples(200).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            GatherShapes g = GatherShapes.random(rnd, 6);
            int dim = g.dim();
            int[] ts = g.source();
            int[] is = g.index();
            Tensor x = random(rnd, DType.FLOAT64, ts);
            Tensor index = randomIndex(rnd, is, ts[dim]);
            Tensor y = random(rnd, DType.FLOAT64, is);
            double lhs = dot(x.gather(dim, index), y);
            double rhs = dot(x, Tensor.zeros(DType.FLOAT64, ts).scatterAdd(dim, index, y));
            assertThat(lhs).isEqualTo(rhs);
        });
    }

    @Test
    void indexSelectPicksWholeSlices() {
        qt().withExamples(200).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            GatherShapes g = GatherShapes.random(rnd, 0);
            int dim = g.dim();
            int[] ts = g.source();
            DType dt = anyDType(rnd);
            Tensor t = random(rnd, dt, ts);
            Tensor index = randomIndex(rnd, new int[] {rnd.nextInt(7)}, ts[dim]);
            Tensor out = t.indexSelect(dim, index);
            int[] os = ts.clone();
            os[dim] = index.size(0);
            assertThat(out.shape()).containsExactly(os);
            assertThat(out.dtype()).isEqualTo(dt);
            double[] x = t.toDoubleArray();
            double[] got = out.toDoubleArray();
            int w = width(dt);
            for (int[] ix : indices(os)) {
                int[] src = ix.clone();
                src[dim] = (int) index.getDouble(ix[dim]);
                for (int p = 0; p < w; p++) {
                    assertThat(got[flat(ix, os) * w + p]).isEqualTo(x[flat(src, ts) * w + p]);
                }
            }
        });
    }

    @Test
    void largeGatherAlongRowsRunsInParallelAndMatches() {
        // Above Loops.PARALLEL_THRESHOLD: the parallel split must not change which element lands where.
        Random rnd = new Random(7);
        Tensor t = random(rnd, DType.FLOAT32, new int[] {300, 257});
        Tensor index = randomIndex(rnd, new int[] {400}, 300);
        Tensor rows = t.indexSelect(0, index);
        for (int k = 0; k < 400; k += 37) {
            assertThat(rows.select(0, k).toDoubleArray()).containsExactly(t.select(0, (int) index.getDouble(k)).toDoubleArray());
        }
    }

    @Test
    void scalarsGatherAndScatterAsOneElement() {
        Tensor x = Tensor.scalar(DType.FLOAT32, 2.5f);
        Tensor zero = Tensor.ofInts(new int[] {0}).reshape();
        assertThat(x.gather(0, zero).shape()).isEmpty();
        assertThat(x.gather(-1, zero).item()).isEqualTo(2.5);
        assertThat(x.scatterAdd(0, zero, Tensor.scalar(DType.FLOAT32, 1)).item()).isEqualTo(3.5);
    }

    @Test
    void scatterAddCastsSourcesThatFitAndRejectsOthers() {
        Tensor t = Tensor.zeros(DType.FLOAT32, 3);
        Tensor idx = Tensor.ofInts(new int[] {2, 2, 0}, 3);
        Tensor out = t.scatterAdd(0, idx, Tensor.ofInts(new int[] {1, 2, 4}, 3));
        assertThat(out.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(out.toDoubleArray()).containsExactly(4, 0, 3);
        assertThatThrownBy(() -> t.scatterAdd(0, idx, Tensor.of(new double[] {1, 2, 3}, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scatterAdd")
                .hasMessageContaining("float64").hasMessageContaining("float32");
    }

    @Test
    void badIndicesAreRejectedWithValuePositionAndSize() {
        Tensor t = Tensor.zeros(DType.FLOAT32, 2, 3);
        Tensor negative = Tensor.ofInts(new int[] {0, 1, 2, 0, -1, 1}, 2, 3);
        assertThatThrownBy(() -> t.gather(1, negative)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("gather").hasMessageContaining("index -1").hasMessageContaining("[1, 1]")
                .hasMessageContaining("size 3").hasMessageContaining("negative");
        Tensor tooBig = Tensor.ofInts(new int[] {0, 1, 2, 0, 3, 1}, 2, 3);
        assertThatThrownBy(() -> t.gather(1, tooBig)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("gather").hasMessageContaining("index 3").hasMessageContaining("[1, 1]");
        assertThatThrownBy(() -> t.scatterAdd(0, tooBig, t)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("scatterAdd").hasMessageContaining("index 2").hasMessageContaining("size 2");
        assertThatThrownBy(() -> t.indexSelect(0, Tensor.ofInts(new int[] {1, 0, 2}, 3)))
                .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("indexSelect")
                .hasMessageContaining("index 2").hasMessageContaining("[2]");
        assertThatThrownBy(() -> t.gather(0, Tensor.zeros(DType.FLOAT32, 2, 3))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gather").hasMessageContaining("int32").hasMessageContaining("float32");
        assertThatThrownBy(() -> t.gather(0, Tensor.zeros(DType.INT32, 2, 4))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gather").hasMessageContaining("[2, 4]").hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> t.gather(0, Tensor.zeros(DType.INT32, 6))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gather").hasMessageContaining("rank");
        assertThatThrownBy(() -> t.scatterAdd(0, Tensor.zeros(DType.INT32, 2, 3), Tensor.zeros(DType.FLOAT32, 2, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scatterAdd").hasMessageContaining("[2, 2]");
        assertThatThrownBy(() -> t.indexSelect(1, Tensor.zeros(DType.INT32, 1, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("indexSelect").hasMessageContaining("1-dimensional");
    }
}
