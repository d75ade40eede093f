package dev.jacobi.tensor.ops;

import dev.jacobi.tensor.BFloat16;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * {@link Matmul#matmul} against a float64 (complex float64) triple loop written here, which applies
 * NumPy's rules on its own: batch dimensions aligned from the right, size 1 repeating.
 *
 * <p>Tolerance for floating results: (k + 3) u sum_p |a_ip| |b_pj| per element, u the unit roundoff of
 * the compute type (2^-24 for float32, 2^-53 for float64): the bound for a sum of k products in any
 * order (see GemmProperties). A complex part is a sum of 2k real products (two real GEMMs accumulate
 * into it), so it gets (2k + 3) u sum_p (|Re a| + |Im a|)(|Re b| + |Im b|), which covers both parts.
 * Results stored in a half type add half an ulp of that type (relative, and the subnormal spacing
 * for float16) for the final rounding. Integer results are exact.
 */
class MatmulProperties {
    /** Values in [-1, 1) of the given shape and floating or complex dtype, laid out as {@code layout} says. */
    private static Tensor random(Random rnd, DType dtype, int[] shape, int layout) {
        int rank = shape.length;
        int[] stored = shape.clone();
        if (layout == 1 && rank >= 2) { // transposed view
            stored[rank - 1] = shape[rank - 2];
            stored[rank - 2] = shape[rank - 1];
        } else if (layout == 2) { // every other column of a wider tensor
            stored[rank - 1] = 2 * shape[rank - 1] + 1;
        }
        int count = Math.toIntExact(Arrays.stream(stored).asLongStream().reduce(1, (x, y) -> x * y));
        double[] re = new double[count];
        double[] im = new double[count];
        for (int i = 0; i < count; i++) {
            re[i] = rnd.nextDouble() * 2 - 1;
            im[i] = rnd.nextDouble() * 2 - 1;
        }
        Tensor t = dtype.isComplex() ? Tensor.complex(re, im, stored).to(dtype) : Tensor.of(re, stored).to(dtype);
        if (layout == 1 && rank >= 2) {
            return t.mT();
        }
        if (layout == 2) {
            return t.slice(-1, 0, 2 * shape[rank - 1], 2);
        }
        return t;
    }

    /** Reference for operands of rank >= 2: {re, im} in row-major order of the broadcast result shape. */
    private static double[][] reference(Tensor a, Tensor b, int[] outShape) {
        int rank = outShape.length;
        int m = outShape[rank - 2];
        int n = outShape[rank - 1];
        int k = a.shape()[a.rank() - 1];
        int total = Math.toIntExact(Arrays.stream(outShape).asLongStream().reduce(1, (x, y) -> x * y));
        double[] re = new double[total];
        double[] im = new double[total];
        double[] magnitude = new double[total];
        int[] index = new int[rank];
        for (int flat = 0; flat < total; flat++) {
            int rest = flat;
            for (int d = rank - 1; d >= 0; d--) {
                index[d] = rest % outShape[d];
                rest /= outShape[d];
            }
            int[] ia = operandIndex(a.shape(), index);
            int[] ib = operandIndex(b.shape(), index);
            double sr = 0;
            double si = 0;
            double mag = 0;
            for (int p = 0; p < k; p++) {
                ia[ia.length - 2] = index[rank - 2];
                ia[ia.length - 1] = p;
                ib[ib.length - 2] = p;
                ib[ib.length - 1] = index[rank - 1];
                double ar = a.getDouble(ia);
                double ai = a.getImag(ia);
                double br = b.getDouble(ib);
                double bi = b.getImag(ib);
                sr += ar * br - ai * bi;
                si += ar * bi + ai * br;
                mag += (Math.abs(ar) + Math.abs(ai)) * (Math.abs(br) + Math.abs(bi));
            }
            re[flat] = sr;
            im[flat] = si;
            magnitude[flat] = mag;
        }
        return new double[][] {re, im, magnitude};
    }

    /** The index into an operand of {@code shape} for result index {@code out}: right-aligned, size 1 repeats. */
    private static int[] operandIndex(int[] shape, int[] out) {
        int[] r = new int[shape.length];
        int lead = out.length - shape.length;
        for (int d = 0; d < shape.length - 2; d++) {
            r[d] = shape[d] == 1 ? 0 : out[lead + d];
        }
        return r;
    }

    private static double unitRoundoff(DType computeType) {
        return computeType == DType.FLOAT64 || computeType == DType.COMPLEX128 ? 0x1p-53 : 0x1p-24;
    }

    /** Checks result against the reference within the bound above, plus {@code store} for the final rounding. */
    private static void assertMatches(Tensor result, double[][] ref, int k, double u, double storeRelative, String context) {
        double[] got = result.toDoubleArray();
        boolean complex = result.dtype().isComplex();
        int terms = complex ? 2 * k : k;
        double storeAbsolute = result.dtype() == DType.FLOAT16 ? 0x1p-25 : 0;
        for (int i = 0; i < ref[0].length; i++) {
            double gotRe = complex ? got[2 * i] : got[i];
            double tol = (terms + 3) * u * ref[2][i] + storeRelative * Math.abs(ref[0][i]) + storeAbsolute;
            assertThat(Math.abs(gotRe - ref[0][i])).as("%s: real part of element %d: %s vs %s", context, i, gotRe, ref[0][i])
                    .isLessThanOrEqualTo(tol);
            if (complex) {
                double tolIm = (terms + 3) * u * ref[2][i];
                assertThat(Math.abs(got[2 * i + 1] - ref[1][i])).as("%s: imaginary part of element %d", context, i)
                        .isLessThanOrEqualTo(tolIm);
            }
        }
    }

    /** Batch shapes drawn from the seed: each dimension 1 to 3, each operand keeping a suffix and some 1s. */
    @Test
    void matchesReferenceWithBroadcastBatchDimensions() {
        qt().withExamples(150)
                .forAll(integers().between(0, 20), integers().between(0, 20), integers().between(0, 20), longs().all())
                .checkAssert((m, n, k, seed) -> {
                    Random rnd = new Random(seed);
                    int batchRank = rnd.nextInt(4);
                    int[] batch = new int[batchRank];
                    for (int d = 0; d < batchRank; d++) {
                        batch[d] = 1 + rnd.nextInt(3);
                    }
                    int[] shapeA = operandShape(rnd, batch, m, k);
                    int[] shapeB = operandShape(rnd, batch, k, n);
                    DType[] types = {DType.FLOAT32, DType.FLOAT64, DType.COMPLEX64, DType.COMPLEX128};
                    DType ta = types[rnd.nextInt(types.length)];
                    DType tb = rnd.nextBoolean() ? ta : types[rnd.nextInt(types.length)];
                    Tensor a = random(rnd, ta, shapeA, rnd.nextInt(3));
                    Tensor b = random(rnd, tb, shapeB, rnd.nextInt(3));
                    Tensor c = Matmul.matmul(a, b);
                    int[] expectShape = broadcastShape(shapeA, shapeB, m, n);
                    String context = ta + Arrays.toString(shapeA) + " x " + tb + Arrays.toString(shapeB);
                    assertThat(c.shape()).as(context).containsExactly(expectShape);
                    assertThat(c.dtype()).as(context).isEqualTo(DType.promote(ta, tb));
                    assertMatches(c, reference(a, b, expectShape), k, unitRoundoff(c.dtype()), 0, context);
                });
    }

    /** A suffix of {@code batch} with some sizes replaced by 1, then rows x cols. */
    private static int[] operandShape(Random rnd, int[] batch, int rows, int cols) {
        int keep = rnd.nextInt(batch.length + 1);
        int[] s = new int[keep + 2];
        for (int d = 0; d < keep; d++) {
            int size = batch[batch.length - keep + d];
            s[d] = rnd.nextInt(3) == 0 ? 1 : size;
        }
        s[keep] = rows;
        s[keep + 1] = cols;
        return s;
    }

    private static int[] broadcastShape(int[] a, int[] b, int m, int n) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int d = 0; d < rank - 2; d++) {
            int da = d - (rank - a.length) >= 0 ? a[d - (rank - a.length)] : 1;
            int db = d - (rank - b.length) >= 0 ? b[d - (rank - b.length)] : 1;
            out[d] = Math.max(da, db) == 1 ? 1 : (da == 1 ? db : da);
        }
        out[rank - 2] = m;
        out[rank - 1] = n;
        return out;
    }

    @Test
    void oneDimensionalOperandsArePromotedAndTheirDimensionRemoved() {
        Random rnd = new Random(5);
        Tensor v = random(rnd, DType.FLOAT64, new int[] {4}, 0);
        Tensor w = random(rnd, DType.FLOAT64, new int[] {4}, 0);
        Tensor mat = random(rnd, DType.FLOAT64, new int[] {4, 3}, 0);
        Tensor matT = random(rnd, DType.FLOAT64, new int[] {3, 4}, 1);
        Tensor batch = random(rnd, DType.FLOAT64, new int[] {2, 4, 3}, 0);
        Tensor batchT = random(rnd, DType.FLOAT64, new int[] {2, 3, 4}, 0);

        Tensor dot = Matmul.matmul(v, w);
        assertThat(dot.shape()).isEmpty();
        double expectDot = 0;
        for (int i = 0; i < 4; i++) {
            expectDot += v.getDouble(i) * w.getDouble(i);
        }
        assertThat(dot.item()).isCloseTo(expectDot, org.assertj.core.data.Offset.offset(1e-14));

        checkVectorCase(Matmul.matmul(v, mat), v.unsqueeze(0), mat, new int[] {3});
        checkVectorCase(Matmul.matmul(matT, v), matT, v.unsqueeze(1), new int[] {3});
        checkVectorCase(Matmul.matmul(v, batch), v.unsqueeze(0), batch, new int[] {2, 3});
        checkVectorCase(Matmul.matmul(batchT, v), batchT, v.unsqueeze(1), new int[] {2, 3});
    }

    private static void checkVectorCase(Tensor result, Tensor a2, Tensor b2, int[] shape) {
        assertThat(result.shape()).containsExactly(shape);
        int[] full = broadcastShape(a2.shape(), b2.shape(), a2.shape()[a2.rank() - 2], b2.shape()[b2.rank() - 1]);
        assertMatches(result, reference(a2, b2, full), 4, 0x1p-53, 0, Arrays.toString(shape));
    }

    /** int32 sums wrap exactly as the cast of the exact sum does; int8 too; bool is "any product true". */
    @Test
    void integerAndBoolProductsAreExact() {
        Random rnd = new Random(9);
        int m = 7;
        int k = 300;
        int n = 5;
        int[] av = new int[m * k];
        int[] bv = new int[k * n];
        for (int i = 0; i < av.length; i++) {
            av[i] = rnd.nextInt(1 << 20) - (1 << 19); // products near 2^38: sums overflow int32
        }
        for (int i = 0; i < bv.length; i++) {
            bv[i] = rnd.nextInt(1 << 20) - (1 << 19);
        }
        Tensor a = Tensor.ofInts(av, m, k);
        Tensor b = Tensor.ofInts(bv, k, n);
        Tensor c = Matmul.matmul(a, b);
        assertThat(c.dtype()).isEqualTo(DType.INT32);
        int[] got = c.toIntArray();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                long sum = 0;
                for (int p = 0; p < k; p++) {
                    sum += (long) av[i * k + p] * bv[p * n + j];
                }
                assertThat(got[i * n + j]).as("C[%d, %d]", i, j).isEqualTo((int) sum);
            }
        }

        Tensor bytes = Tensor.ofBytes(new byte[] {100, 100, 3, -4}, 2, 2);
        Tensor sq = Matmul.matmul(bytes, bytes);
        assertThat(sq.dtype()).isEqualTo(DType.INT8);
        // [[100*100 + 100*3, 100*100 + 100*-4], [3*100 + -4*3, 3*100 + 16]] cast to int8
        assertThat(sq.toIntArray()).containsExactly((byte) 10300, (byte) 9600, (byte) 288, (byte) 316);

        Tensor p = Tensor.ofBooleans(new boolean[] {true, false, false, false}, 2, 2);
        Tensor q = Tensor.ofBooleans(new boolean[] {false, true, true, true}, 2, 2);
        Tensor pq = Matmul.matmul(p, q);
        assertThat(pq.dtype()).isEqualTo(DType.BOOL);
        assertThat(pq.toIntArray()).containsExactly(0, 1, 0, 0);
    }

    @Test
    void mixedTypesPromoteAndIntegersMeetFloatsAsFloats() {
        Random rnd = new Random(13);
        Tensor ints = Tensor.ofInts(new int[] {1, -2, 3, 4, 5, -6}, 2, 3);
        Tensor floats = random(rnd, DType.FLOAT32, new int[] {3, 2}, 1);
        Tensor c = Matmul.matmul(ints, floats);
        assertThat(c.dtype()).isEqualTo(DType.FLOAT32);
        assertMatches(c, reference(ints, floats, new int[] {2, 2}), 3, 0x1p-24, 0, "int32 x float32");

        Tensor doubles = random(rnd, DType.FLOAT64, new int[] {2, 3}, 0);
        Tensor complex = random(rnd, DType.COMPLEX64, new int[] {3, 4}, 2);
        Tensor z = Matmul.matmul(doubles, complex);
        assertThat(z.dtype()).isEqualTo(DType.COMPLEX128);
        assertMatches(z, reference(doubles, complex, new int[] {2, 4}), 3, 0x1p-53, 0, "float64 x complex64");
    }

    /** bfloat16 and float16 compute in float32 and round once when stored. */
    @Test
    void halfTypesComputeInFloat32AndRoundOnce() {
        Random rnd = new Random(17);
        for (DType half : new DType[] {DType.BFLOAT16, DType.FLOAT16}) {
            Tensor a = random(rnd, half, new int[] {3, 9, 40}, 0);
            Tensor b = random(rnd, half, new int[] {40, 11}, 1);
            Tensor c = Matmul.matmul(a, b);
            assertThat(c.dtype()).isEqualTo(half);
            // Final rounding: half an ulp, 2^-8 relative for bfloat16 (8 significant bits), 2^-11 for float16.
            double store = half == DType.BFLOAT16 ? 0x1p-8 : 0x1p-11;
            assertMatches(c, reference(a, b, new int[] {3, 9, 11}), 40, 0x1p-24, store, half.toString());
        }
        assertThat(BFloat16.toFloat(BFloat16.fromFloat(1f))).isEqualTo(1f);
    }

    /** Many small products run in parallel across the batch; big ones split inside the kernel. */
    @Test
    void largeBatchesAndLargeMatricesMatchReference() {
        Random rnd = new Random(23);
        Tensor a = random(rnd, DType.FLOAT32, new int[] {64, 8, 9}, 0);
        Tensor b = random(rnd, DType.FLOAT32, new int[] {1, 9, 7}, 1);
        assertMatches(Matmul.matmul(a, b), reference(a, b, new int[] {64, 8, 7}), 9, 0x1p-24, 0, "64 small");
        Tensor big = random(rnd, DType.FLOAT64, new int[] {2, 140, 150}, 2);
        Tensor bigB = random(rnd, DType.FLOAT64, new int[] {150, 130}, 1);
        assertMatches(Matmul.matmul(big, bigB), reference(big, bigB, new int[] {2, 140, 130}), 150, 0x1p-53, 0, "2 big");
    }

    @Test
    void sizeZeroDimensionsGiveEmptyOrZeroResults() {
        assertThat(Matmul.matmul(Tensor.zeros(DType.FLOAT32, 0, 3), Tensor.ones(DType.FLOAT32, 3, 4)).shape())
                .containsExactly(0, 4);
        assertThat(Matmul.matmul(Tensor.zeros(DType.FLOAT64, 0, 2, 3), Tensor.ones(DType.FLOAT64, 3, 4)).shape())
                .containsExactly(0, 2, 4);
        Tensor zeros = Matmul.matmul(Tensor.ones(DType.FLOAT32, 2, 0), Tensor.ones(DType.FLOAT32, 0, 3));
        assertThat(zeros.shape()).containsExactly(2, 3);
        assertThat(zeros.toDoubleArray()).containsOnly(0.0);
        Tensor complexZeros = Matmul.matmul(Tensor.ones(DType.COMPLEX64, 2, 0), Tensor.ones(DType.COMPLEX64, 0, 1));
        assertThat(complexZeros.toDoubleArray()).containsExactly(0.0, 0.0, 0.0, 0.0);
        Tensor intZeros = Matmul.matmul(Tensor.ones(DType.INT32, 2, 0), Tensor.ones(DType.INT32, 0, 2));
        assertThat(intZeros.toIntArray()).containsExactly(0, 0, 0, 0);
    }

    @Test
    void badShapesAreRejectedWithTheShapes() {
        assertThatThrownBy(() -> Matmul.matmul(Tensor.zeros(DType.FLOAT32, 3, 4), Tensor.zeros(DType.FLOAT32, 5, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("matmul: inner dimensions differ: [3, 4] x [5, 2]");
        assertThatThrownBy(() -> Matmul.matmul(Tensor.zeros(DType.FLOAT32, 3), Tensor.zeros(DType.FLOAT32, 4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("matmul: inner dimensions differ: [3] x [4]");
        assertThatThrownBy(() -> Matmul.matmul(Tensor.scalar(2), Tensor.zeros(DType.FLOAT64, 2, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("matmul: operands must have at least 1 dimension, got shapes [] x [2, 2]");
        assertThatThrownBy(() -> Matmul.matmul(Tensor.zeros(DType.FLOAT32, 2, 3, 4), Tensor.zeros(DType.FLOAT32, 3, 4, 5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("matmul: batch dimensions [2] and [3] do not broadcast (shapes [2, 3, 4] x [3, 4, 5])");
    }
}
