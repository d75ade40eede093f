package dev.jacobi.tensor.ops;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.cpu.Reducer;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Worked examples and edge cases of {@link Reductions}: empty reductions, NaN, integer overflow, complex
 * input, the norms, error messages, and large tensors that take the multithreaded, multi-piece SIMD paths.
 */
class ReductionEdgeCasesTest {
    private static final int[] ALL = {};

    @Test
    void twoNormOverALeadingAxisTakesTheColumnPath() {
        // Regression: the column kernels read a per-output shift that the 2-norm (SUM_SQUARES without a shift)
        // did not pass, which threw a NullPointerException on the SIMD path.
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor x = Tensor.of(new double[] {3, 1, -2, 4, 1, 2}, 2, 3).to(dt);
            // float32 results are float32 roundings of the exact norms
            assertThat(x.norm(2, new int[] {0}, false).toDoubleArray())
                    .containsExactly(new double[] {5, Math.sqrt(2), Math.sqrt(8)}, within(1e-6));
        }
    }

    @Test
    void emptyReductionsGiveIdentitiesOrNameTheOp() {
        Tensor empty = Tensor.zeros(DType.FLOAT32, 0, 3);
        assertThat(empty.sum().item()).isEqualTo(0.0);
        assertThat(empty.sum(0).toDoubleArray()).containsExactly(0, 0, 0);
        assertThat(empty.mean().item()).isNaN();
        assertThat(empty.var(ALL, 0, false).item()).isNaN();
        assertThat(empty.logsumexp(ALL, false).item()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(empty.norm(2, ALL, false).item()).isEqualTo(0.0);
        // Reducing the non-empty axis of an empty tensor is fine: the result is empty.
        assertThat(empty.max(1).shape()).containsExactly(0);
        assertThat(empty.argmax(1, true).shape()).containsExactly(0, 1);
        assertThatThrownBy(() -> empty.max(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max: cannot reduce over zero elements (shape [0, 3], axes [0]): the result has no identity");
        assertThatThrownBy(() -> empty.min()).hasMessageStartingWith("min: cannot reduce over zero elements (shape [0, 3], axes all)");
        assertThatThrownBy(() -> empty.argmin(0, false)).hasMessageStartingWith("argmin: cannot reduce over zero elements");
        assertThatThrownBy(() -> empty.norm(Double.POSITIVE_INFINITY, ALL, false)).hasMessageStartingWith("norm: cannot reduce");
    }

    @Test
    void nanPropagatesThroughMaxMinAndArgTakesTheFirstNan() {
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.BFLOAT16}) {
            // Long enough (200) for the vector kernels, with the NaNs past the first vectors.
            Tensor t = Tensor.zeros(dt, 2, 200);
            for (int i = 0; i < 200; i++) {
                t.set(i % 7, 0, i);
                t.set(-i, 1, i);
            }
            t.set(Double.NaN, 0, 77);
            t.set(Double.NaN, 0, 150);
            for (boolean vector : new boolean[] {true, false}) {
                String what = dt + " vector " + vector;
                Tensor max = Reductions.extreme("max", Reducer.MAX, t, new int[] {1}, false, vector);
                Tensor min = Reductions.extreme("min", Reducer.MIN, t, new int[] {1}, false, vector);
                assertThat(max.toDoubleArray()).as(what).containsExactly(Double.NaN, 0);
                assertThat(min.toDoubleArray()).as(what).containsExactly(Double.NaN, -199);
                assertThat(Reductions.arg("argmax", Reducer.MAX, t, 1, false, vector).toIntArray()).as(what).containsExactly(77, 0);
                assertThat(Reductions.arg("argmin", Reducer.MIN, t, 1, false, vector).toIntArray()).as(what).containsExactly(77, 199);
                // Ties: the first occurrence (6 is first at index 6, 0 at index 0).
                Tensor clean = t.slice(1, 0, 70);
                assertThat(Reductions.arg("argmax", Reducer.MAX, clean, 1, false, vector).toIntArray()).as(what).containsExactly(6, 0);
                assertThat(Reductions.arg("argmin", Reducer.MIN, clean, 1, false, vector).toIntArray()).as(what).containsExactly(0, 69);
                assertThat(Reductions.sum(t, new int[] {1}, false, vector).toDoubleArray()[0]).as(what).isNaN();
            }
        }
    }

    @Test
    void integerSumsAreExactInt32AndOverflowThrows() {
        Tensor big = Tensor.ofInts(new int[] {Integer.MAX_VALUE, -5, 5, Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MIN_VALUE, 7}, 7);
        assertThat(big.slice(0, 0, 3).sum().dtype()).isEqualTo(DType.INT32);
        assertThat(big.slice(0, 0, 3).sum().item()).isEqualTo(Integer.MAX_VALUE);
        assertThat(big.sum().item()).isEqualTo(5.0); // the partial sums leave int32 range, the total does not
        Tensor over = Tensor.ofInts(new int[] {Integer.MAX_VALUE, 1}, 2);
        assertThatThrownBy(over::sum).isInstanceOf(ArithmeticException.class)
                .hasMessageStartingWith("sum: the int32 result 2147483648 at output index 0 overflows");
        Tensor bools = Tensor.ofBooleans(new boolean[] {true, false, true, true}, 2, 2);
        assertThat(bools.sum(1).dtype()).isEqualTo(DType.INT32);
        assertThat(bools.sum(1).toIntArray()).containsExactly(1, 2);
        assertThat(bools.mean().dtype()).isEqualTo(DType.FLOAT32);
        assertThat(bools.mean().item()).isEqualTo(0.75);
        assertThat(bools.max(0).dtype()).isEqualTo(DType.BOOL);
        assertThat(bools.max(0).toDoubleArray()).containsExactly(1, 1);
        assertThat(Tensor.ofBytes(new byte[] {100, 100, 100}, 3).sum().item()).isEqualTo(300.0);
    }

    @Test
    void complexSumMeanVarAndNormUseComplexArithmetic() {
        Tensor z = Tensor.complex(new double[] {3, 1, -1}, new double[] {4, 2, 0}, 3);
        assertThat(z.sum().dtype()).isEqualTo(DType.COMPLEX128);
        assertThat(z.sum().toDoubleArray()).containsExactly(3, 6);
        assertThat(z.mean().toDoubleArray()).containsExactly(1, 2);
        // |z - mean|^2 = 4+4, 0+0, 4+4 -> population variance 16/3.
        assertThat(z.var(ALL, 0, false).dtype()).isEqualTo(DType.FLOAT64);
        assertThat(z.var(ALL, 0, false).item()).isCloseTo(16.0 / 3, within(1e-15));
        assertThat(z.norm(Double.POSITIVE_INFINITY, ALL, false).item()).isEqualTo(5.0);
        assertThat(z.norm(1, ALL, false).item()).isCloseTo(5 + Math.sqrt(5) + 1, within(1e-14));
        assertThatThrownBy(() -> z.max()).hasMessageStartingWith("max: not defined for complex input (dtype complex128");
        assertThatThrownBy(() -> z.argmax(0, false)).hasMessageStartingWith("argmax: not defined for complex input");
    }

    @Test
    void normsAndVarianceMatchWorkedValues() {
        Tensor v = Tensor.of(new double[] {3, -4, 0}, 3);
        assertThat(v.norm(2, ALL, false).item()).isEqualTo(5.0);
        assertThat(v.norm(1, ALL, false).item()).isEqualTo(7.0);
        assertThat(v.norm(0, ALL, false).item()).isEqualTo(2.0);
        assertThat(v.norm(Double.POSITIVE_INFINITY, ALL, false).item()).isEqualTo(4.0);
        assertThat(v.norm(Double.NEGATIVE_INFINITY, ALL, false).item()).isEqualTo(0.0);
        assertThat(v.norm(3, ALL, false).item()).isCloseTo(Math.cbrt(27 + 64), within(1e-14));
        assertThat(v.norm(-1, ALL, false).item()).isEqualTo(0.0); // (1/3 + 1/4 + 1/0)^-1
        assertThatThrownBy(() -> v.norm(Double.NaN, ALL, false)).hasMessageStartingWith("norm: p must be");
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 4);
        assertThat(x.var(ALL, 0, false).item()).isCloseTo(1.25, within(1e-7));
        assertThat(x.var(ALL, 1, false).item()).isCloseTo(5.0 / 3, within(1e-7));
        assertThat(x.var(ALL, 4, false).item()).isEqualTo(Double.POSITIVE_INFINITY); // n - correction = 0, as NumPy
        assertThat(Tensor.of(new float[] {2}, 1).var(ALL, 1, false).item()).isNaN(); // 0 / 0
        assertThat(Tensor.ofInts(new int[] {1, 2}, 2).var(ALL, 0, false).dtype()).isEqualTo(DType.FLOAT32);
    }

    @Test
    void axesAreCheckedAndNamed() {
        Tensor t = Tensor.zeros(DType.FLOAT32, 2, 3);
        assertThatThrownBy(() -> t.sum(2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sum: axis 2 is out of range for a tensor of rank 2");
        assertThatThrownBy(() -> t.mean(1, -1)).hasMessageStartingWith("mean: axis -1 is given twice");
        assertThatThrownBy(() -> t.argmax(-3, false)).hasMessageStartingWith("argmax: axis -3 is out of range");
        assertThat(t.sum(new int[] {-1}, true).shape()).containsExactly(2, 1);
        assertThat(t.max(new int[] {}, true).shape()).containsExactly(1, 1);
        assertThat(t.max().shape()).isEmpty();
    }

    @Test
    void largeFloat32ReductionsMatchTheReferenceOnEveryPath() {
        Random rnd = new Random(7);
        int rows = 1024;
        int cols = 1024;
        Tensor t = Tensor.zeros(DType.FLOAT32, rows, cols);
        MemorySegment m = t.storage().segment();
        double[] x = new double[rows * cols];
        for (int i = 0; i < x.length; i++) {
            float v = (float) (rnd.nextGaussian() + 0.5);
            m.setAtIndex(ValueLayout.JAVA_FLOAT, i, v);
            x[i] = v;
        }
        double total = 0;
        double totalAbs = 0;
        double[] rowSum = new double[rows];
        double[] colSum = new double[cols];
        double[] colMax = new double[cols];
        java.util.Arrays.fill(colMax, Double.NEGATIVE_INFINITY);
        int[] rowArgmax = new int[rows];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                double v = x[r * cols + c];
                total += v;
                totalAbs += Math.abs(v);
                rowSum[r] += v;
                colSum[c] += v;
                colMax[c] = Math.max(colMax[c], v);
                if (v > x[r * cols + rowArgmax[r]]) {
                    rowArgmax[r] = c;
                }
            }
        }
        for (boolean vector : new boolean[] {true, false}) {
            // Full sum: 1M elements in 4 pieces (ReductionEngine.CHUNK) combined in order, within the float32 kernel bound.
            double got = Reductions.sum(t, ALL, false, vector).item();
            assertThat(Math.abs(got - total)).as("full sum, vector " + vector)
                    .isLessThanOrEqualTo(ReductionProperties.ACC32 * totalAbs + Math.ulp((float) total));
            // The same call again gives the same bits: fixed pieces, fixed combination order.
            assertThat(Reductions.sum(t, ALL, false, vector).item()).isEqualTo(got);
            double[] rs = Reductions.sum(t, new int[] {1}, false, vector).toDoubleArray();
            double[] cs = Reductions.sum(t, new int[] {0}, false, vector).toDoubleArray();
            double[] cm = Reductions.extreme("max", Reducer.MAX, t, new int[] {0}, false, vector).toDoubleArray();
            int[] am = Reductions.arg("argmax", Reducer.MAX, t, 1, false, vector).toIntArray();
            for (int i = 0; i < rows; i++) {
                // Row and column sums of 1024 terms of size ~1.3: bound ACC32 * 1024 * 1.3 plus one rounding.
                assertThat(rs[i]).isCloseTo(rowSum[i], within(ReductionProperties.ACC32 * 1400 + 1e-4));
                assertThat(cs[i]).isCloseTo(colSum[i], within(ReductionProperties.ACC32 * 1400 + 1e-4));
                assertThat(cm[i]).isEqualTo(colMax[i]);
                assertThat(am[i]).isEqualTo(rowArgmax[i]);
            }
            // The transposed view reduces its rows with the column path and vice versa.
            double[] ts = Reductions.sum(t.transpose(0, 1), new int[] {1}, false, vector).toDoubleArray();
            for (int i = 0; i < cols; i++) {
                assertThat(ts[i]).isCloseTo(colSum[i], within(ReductionProperties.ACC32 * 1400 + 1e-4));
            }
            double var = Reductions.var(t, ALL, 0, false, vector).item();
            double mean = total / x.length;
            double ss = 0;
            for (double v : x) {
                ss += (v - mean) * (v - mean);
            }
            assertThat(var).as("var").isCloseTo(ss / x.length, within(1e-5));
            double lse = Reductions.logsumexp(t, ALL, false, vector).item();
            double se = 0;
            for (double v : x) {
                se += Math.exp(v);
            }
            assertThat(lse).as("logsumexp").isCloseTo(Math.log(se), within(1e-5));
        }
    }

    @Test
    void argmaxOverALongAxisKeepsTheFirstOccurrenceAcrossPieces() {
        // 600,000 elements: three pieces of 262,144; the maximum value appears in pieces 1 and 2.
        int n = 600_000;
        assertThat(n).isGreaterThan(2 * ReductionEngine.CHUNK);
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.INT32}) {
            Tensor t = Tensor.zeros(dt, n);
            t.set(5, 300_000);
            t.set(5, 550_000);
            t.set(-5, 280_000);
            t.set(-5, 599_999);
            for (boolean vector : new boolean[] {true, false}) {
                assertThat(Reductions.arg("argmax", Reducer.MAX, t, 0, false, vector).item()).as(dt + " " + vector).isEqualTo(300_000);
                assertThat(Reductions.arg("argmin", Reducer.MIN, t, 0, false, vector).item()).as(dt + " " + vector).isEqualTo(280_000);
                assertThat(Reductions.arg("argmax", Reducer.MAX, t.flip(0), 0, false, vector).item()).isEqualTo(n - 1 - 550_000);
            }
        }
    }

    @Test
    void columnSumsOfATallMatrixCombineTheirPiecesInOrder() {
        // [300,000, 8] summed over axis 0: the column path cuts the rows into 3 pieces (ReductionEngine.COLUMN_ITEM).
        int rows = 300_000;
        int cols = 8;
        assertThat((long) rows * cols).isGreaterThan(2L * ReductionEngine.COLUMN_ITEM);
        Random rnd = new Random(11);
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor t = Tensor.zeros(dt, rows, cols);
            double[] sum = new double[cols];
            double[] max = new double[cols];
            java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    double v = (float) rnd.nextGaussian();
                    t.storage().setDouble((long) r * cols + c, v);
                    sum[c] += v;
                    max[c] = Math.max(max[c], v);
                }
            }
            for (boolean vector : new boolean[] {true, false}) {
                double[] got = Reductions.sum(t, new int[] {0}, false, vector).toDoubleArray();
                double[] gotMax = Reductions.extreme("max", Reducer.MAX, t, new int[] {0}, false, vector).toDoubleArray();
                for (int c = 0; c < cols; c++) {
                    // Float64 accumulators throughout: only the final rounding to the dtype (|sum| < 3000).
                    assertThat(got[c]).as(dt + " " + vector).isCloseTo(sum[c], within(dt == DType.FLOAT32 ? 3e-4 : 1e-9));
                    assertThat(gotMax[c]).isEqualTo(max[c]);
                }
            }
        }
    }
}
