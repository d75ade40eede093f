package dev.jacobi.tensor.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * SIMD reduction kernels over float32 and float64 off-heap memory, for the {@link Reducer} kinds that
 * have a vector form. Two shapes of work:
 * <ul>
 *   <li><b>rows</b> ({@link #reduceFloat}, {@link #reduceDouble}): fold one contiguous run into one value
 *       (a reduction over the innermost, contiguous axis, or a chunk of a full reduction);</li>
 *   <li><b>columns</b> ({@link #reduceColumnsFloat}, {@link #reduceColumnsDouble}): fold one contiguous
 *       run into a float64 accumulator per element (a reduction over an outer axis, one input row at a time).</li>
 * </ul>
 * Only touched when {@link Simd#enabled()}. The scalar reference is {@link Reducer}'s own
 * {@code term} / {@code combine}, which the scalar path of {@code dev.jacobi.tensor.ops.Reductions} uses.
 * Offsets and lengths are in elements.
 *
 * <p>Accuracy of float32 sums: four vector accumulators of float32 lanes each take
 * {@value #ADDS_PER_LANE} terms, then the block's total moves into a float64 sum. A term thus meets at
 * most {@value #ADDS_PER_LANE} + 2 + log2(lanes) float32 roundings before reaching float64, so the error
 * of a row is at most about {@code (ADDS_PER_LANE + 6) * 2^-24 * sum|term|}, about {@code 1.4e-6 * sum|term|}
 * with 16 lanes, however long the row: this costs one horizontal add per {@code 64 * lanes} elements.
 */
public final class ReductionKernels {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /** Floats with the lane count of {@link #D}: one load widens to one double vector. */
    private static final VectorSpecies<Float> F_NARROW =
            VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE;

    /** Terms each float32 lane adds before its partial sum moves into float64: the error bound above. */
    public static final int ADDS_PER_LANE = 16;

    private ReductionKernels() {
    }

    // ---------------------------------------------------------------- rows

    /**
     * Folds the float32 run {@code m[off, off + n)} as {@code r} says: the sum of the terms (in float64,
     * see the class comment for the error) or their maximum / minimum. Returns {@code r.identity()} for n = 0.
     *
     * @param shift the shift of {@link Reducer#SUM_SQUARES} and {@link Reducer#SUM_EXP}; ignored by the others
     * @throws IllegalArgumentException when {@code r} has no vector form
     */
    public static double reduceFloat(Reducer r, MemorySegment m, long off, int n, float shift) {
        requireVectorForm(r);
        int bound = n - n % (4 * F.length());
        double result = switch (r) {
            case MAX, MAX_ABS -> maxFloat(r, m, off, bound);
            case MIN, MIN_ABS -> minFloat(r, m, off, bound);
            default -> sumFloat(r, m, off, bound, shift);
        };
        for (int i = bound; i < n; i++) {
            result = r.combine(result, r.term(m.getAtIndex(F32, off + i), shift, 0));
        }
        return result;
    }

    // The loops below read the run as four streams, one per quarter, each with its own accumulator:
    // four concurrent sequential streams keep more cache-line fetches in flight than one, which measured
    // 1.4x (one thread) to 1.7x (two threads) the read bandwidth of a single stream here.
    // The sum, max and min loops are separate because C2 keeps vectors in registers only when no branch
    // merges two vector values into a loop-carried accumulator.

    /** Blocked sum of the terms of the first {@code bound} elements (a multiple of 4 * lanes). */
    private static double sumFloat(Reducer r, MemorySegment m, long off, int bound, float shift) {
        int lanes = F.length();
        long q = bound / 4 * (long) Float.BYTES;
        FloatVector s = FloatVector.broadcast(F, shift);
        double total = 0;
        for (int i = 0; i < bound / 4; ) {
            int end = Math.min(bound / 4, i + ADDS_PER_LANE * lanes);
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            for (; i < end; i += lanes) {
                long b = (off + i) * Float.BYTES;
                a0 = a0.add(term(r, FloatVector.fromMemorySegment(F, m, b, ORDER), s));
                a1 = a1.add(term(r, FloatVector.fromMemorySegment(F, m, b + q, ORDER), s));
                a2 = a2.add(term(r, FloatVector.fromMemorySegment(F, m, b + 2 * q, ORDER), s));
                a3 = a3.add(term(r, FloatVector.fromMemorySegment(F, m, b + 3 * q, ORDER), s));
            }
            total += a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
        }
        return total;
    }

    private static double maxFloat(Reducer r, MemorySegment m, long off, int bound) {
        long q = bound / 4 * (long) Float.BYTES;
        FloatVector s = FloatVector.zero(F);
        FloatVector a0 = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        for (int i = 0; i < bound / 4; i += F.length()) {
            long b = (off + i) * Float.BYTES;
            a0 = a0.max(term(r, FloatVector.fromMemorySegment(F, m, b, ORDER), s));
            a1 = a1.max(term(r, FloatVector.fromMemorySegment(F, m, b + q, ORDER), s));
            a2 = a2.max(term(r, FloatVector.fromMemorySegment(F, m, b + 2 * q, ORDER), s));
            a3 = a3.max(term(r, FloatVector.fromMemorySegment(F, m, b + 3 * q, ORDER), s));
        }
        return a0.max(a1).max(a2.max(a3)).reduceLanes(VectorOperators.MAX);
    }

    private static double minFloat(Reducer r, MemorySegment m, long off, int bound) {
        long q = bound / 4 * (long) Float.BYTES;
        FloatVector s = FloatVector.zero(F);
        FloatVector a0 = FloatVector.broadcast(F, Float.POSITIVE_INFINITY);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        for (int i = 0; i < bound / 4; i += F.length()) {
            long b = (off + i) * Float.BYTES;
            a0 = a0.min(term(r, FloatVector.fromMemorySegment(F, m, b, ORDER), s));
            a1 = a1.min(term(r, FloatVector.fromMemorySegment(F, m, b + q, ORDER), s));
            a2 = a2.min(term(r, FloatVector.fromMemorySegment(F, m, b + 2 * q, ORDER), s));
            a3 = a3.min(term(r, FloatVector.fromMemorySegment(F, m, b + 3 * q, ORDER), s));
        }
        return a0.min(a1).min(a2.min(a3)).reduceLanes(VectorOperators.MIN);
    }

    /** As {@link #reduceFloat} for a float64 run (accumulated in float64 throughout). */
    public static double reduceDouble(Reducer r, MemorySegment m, long off, int n, double shift) {
        requireVectorForm(r);
        int lanes = D.length();
        int bound = n - n % (4 * lanes);
        long q = bound / 4 * (long) Double.BYTES;
        DoubleVector s = DoubleVector.broadcast(D, shift);
        double result = switch (r) {
            case MAX, MAX_ABS -> {
                DoubleVector a0 = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
                DoubleVector a1 = a0;
                DoubleVector a2 = a0;
                DoubleVector a3 = a0;
                for (int i = 0; i < bound / 4; i += lanes) {
                    long b = (off + i) * Double.BYTES;
                    a0 = a0.max(term(r, DoubleVector.fromMemorySegment(D, m, b, ORDER), s));
                    a1 = a1.max(term(r, DoubleVector.fromMemorySegment(D, m, b + q, ORDER), s));
                    a2 = a2.max(term(r, DoubleVector.fromMemorySegment(D, m, b + 2 * q, ORDER), s));
                    a3 = a3.max(term(r, DoubleVector.fromMemorySegment(D, m, b + 3 * q, ORDER), s));
                }
                yield a0.max(a1).max(a2.max(a3)).reduceLanes(VectorOperators.MAX);
            }
            case MIN, MIN_ABS -> {
                DoubleVector a0 = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
                DoubleVector a1 = a0;
                DoubleVector a2 = a0;
                DoubleVector a3 = a0;
                for (int i = 0; i < bound / 4; i += lanes) {
                    long b = (off + i) * Double.BYTES;
                    a0 = a0.min(term(r, DoubleVector.fromMemorySegment(D, m, b, ORDER), s));
                    a1 = a1.min(term(r, DoubleVector.fromMemorySegment(D, m, b + q, ORDER), s));
                    a2 = a2.min(term(r, DoubleVector.fromMemorySegment(D, m, b + 2 * q, ORDER), s));
                    a3 = a3.min(term(r, DoubleVector.fromMemorySegment(D, m, b + 3 * q, ORDER), s));
                }
                yield a0.min(a1).min(a2.min(a3)).reduceLanes(VectorOperators.MIN);
            }
            default -> {
                DoubleVector a0 = DoubleVector.zero(D);
                DoubleVector a1 = a0;
                DoubleVector a2 = a0;
                DoubleVector a3 = a0;
                for (int i = 0; i < bound / 4; i += lanes) {
                    long b = (off + i) * Double.BYTES;
                    a0 = a0.add(term(r, DoubleVector.fromMemorySegment(D, m, b, ORDER), s));
                    a1 = a1.add(term(r, DoubleVector.fromMemorySegment(D, m, b + q, ORDER), s));
                    a2 = a2.add(term(r, DoubleVector.fromMemorySegment(D, m, b + 2 * q, ORDER), s));
                    a3 = a3.add(term(r, DoubleVector.fromMemorySegment(D, m, b + 3 * q, ORDER), s));
                }
                yield a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
            }
        };
        for (int i = bound; i < n; i++) {
            result = r.combine(result, r.term(m.getAtIndex(F64, off + i), shift, 0));
        }
        return result;
    }

    /**
     * Four rows at once: {@code result[ro + k] = reduceFloat(r, m, off + k * stride, n, (float) shift[so + k])}
     * for k = 0..3 (shift may be null: 0), up to rounding, with the same error bound. Reading four rows
     * together gives four long memory streams where one short row would give four short ones: for rows
     * of a few thousand elements this is the faster way to reduce a matrix along its last axis.
     */
    public static void reduceFloat4(Reducer r, MemorySegment m, long off, long stride, int n, double[] shift, int so,
                                    double[] result, int ro) {
        requireVectorForm(r);
        int bound = F.loopBound(n);
        long st = stride * Float.BYTES;
        switch (r) {
            case MAX, MAX_ABS, MIN, MIN_ABS -> extremeFloat4(r, m, off, st, bound, result, ro);
            default -> sumFloat4(r, m, off, st, bound, shift, so, result, ro);
        }
        for (int k = 0; k < 4; k++) {
            double sk = shift == null ? 0 : (float) shift[so + k];
            double v = result[ro + k];
            for (int i = bound; i < n; i++) {
                v = r.combine(v, r.term(m.getAtIndex(F32, off + k * stride + i), sk, 0));
            }
            result[ro + k] = v;
        }
    }

    private static void sumFloat4(Reducer r, MemorySegment m, long off, long st, int bound, double[] shift, int so,
                                  double[] result, int ro) {
        int lanes = F.length();
        FloatVector s0 = FloatVector.broadcast(F, shift == null ? 0f : (float) shift[so]);
        FloatVector s1 = FloatVector.broadcast(F, shift == null ? 0f : (float) shift[so + 1]);
        FloatVector s2 = FloatVector.broadcast(F, shift == null ? 0f : (float) shift[so + 2]);
        FloatVector s3 = FloatVector.broadcast(F, shift == null ? 0f : (float) shift[so + 3]);
        double t0 = 0;
        double t1 = 0;
        double t2 = 0;
        double t3 = 0;
        for (int i = 0; i < bound; ) {
            int end = Math.min(bound, i + ADDS_PER_LANE * lanes);
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            for (; i < end; i += lanes) {
                long b = (off + i) * Float.BYTES;
                a0 = a0.add(term(r, FloatVector.fromMemorySegment(F, m, b, ORDER), s0));
                a1 = a1.add(term(r, FloatVector.fromMemorySegment(F, m, b + st, ORDER), s1));
                a2 = a2.add(term(r, FloatVector.fromMemorySegment(F, m, b + 2 * st, ORDER), s2));
                a3 = a3.add(term(r, FloatVector.fromMemorySegment(F, m, b + 3 * st, ORDER), s3));
            }
            t0 += a0.reduceLanes(VectorOperators.ADD);
            t1 += a1.reduceLanes(VectorOperators.ADD);
            t2 += a2.reduceLanes(VectorOperators.ADD);
            t3 += a3.reduceLanes(VectorOperators.ADD);
        }
        result[ro] = t0;
        result[ro + 1] = t1;
        result[ro + 2] = t2;
        result[ro + 3] = t3;
    }

    private static void extremeFloat4(Reducer r, MemorySegment m, long off, long st, int bound, double[] result, int ro) {
        FloatVector s = FloatVector.zero(F);
        boolean max = r == Reducer.MAX || r == Reducer.MAX_ABS;
        FloatVector a0 = FloatVector.broadcast(F, (float) r.identity());
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        if (max) {
            for (int i = 0; i < bound; i += F.length()) {
                long b = (off + i) * Float.BYTES;
                a0 = a0.max(term(r, FloatVector.fromMemorySegment(F, m, b, ORDER), s));
                a1 = a1.max(term(r, FloatVector.fromMemorySegment(F, m, b + st, ORDER), s));
                a2 = a2.max(term(r, FloatVector.fromMemorySegment(F, m, b + 2 * st, ORDER), s));
                a3 = a3.max(term(r, FloatVector.fromMemorySegment(F, m, b + 3 * st, ORDER), s));
            }
            result[ro] = a0.reduceLanes(VectorOperators.MAX);
            result[ro + 1] = a1.reduceLanes(VectorOperators.MAX);
            result[ro + 2] = a2.reduceLanes(VectorOperators.MAX);
            result[ro + 3] = a3.reduceLanes(VectorOperators.MAX);
        } else {
            for (int i = 0; i < bound; i += F.length()) {
                long b = (off + i) * Float.BYTES;
                a0 = a0.min(term(r, FloatVector.fromMemorySegment(F, m, b, ORDER), s));
                a1 = a1.min(term(r, FloatVector.fromMemorySegment(F, m, b + st, ORDER), s));
                a2 = a2.min(term(r, FloatVector.fromMemorySegment(F, m, b + 2 * st, ORDER), s));
                a3 = a3.min(term(r, FloatVector.fromMemorySegment(F, m, b + 3 * st, ORDER), s));
            }
            result[ro] = a0.reduceLanes(VectorOperators.MIN);
            result[ro + 1] = a1.reduceLanes(VectorOperators.MIN);
            result[ro + 2] = a2.reduceLanes(VectorOperators.MIN);
            result[ro + 3] = a3.reduceLanes(VectorOperators.MIN);
        }
    }

    /**
     * Index of the first element of the float32 run equal to {@code value}, or of the first NaN when
     * {@code value} is NaN; -1 when there is none. With the maximum from {@link #reduceFloat} this gives
     * argmax with NumPy's first-occurrence rule.
     */
    public static int indexOfFloat(MemorySegment m, long off, int n, float value) {
        boolean nan = Float.isNaN(value);
        int bound = F.loopBound(n);
        int i = 0;
        for (; i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromMemorySegment(F, m, (off + i) * Float.BYTES, ORDER);
            var hit = nan ? v.test(VectorOperators.IS_NAN) : v.compare(VectorOperators.EQ, value);
            if (hit.anyTrue()) {
                return i + hit.firstTrue();
            }
        }
        for (; i < n; i++) {
            float x = m.getAtIndex(F32, off + i);
            if (nan ? Float.isNaN(x) : x == value) {
                return i;
            }
        }
        return -1;
    }

    /** As {@link #indexOfFloat} for a float64 run. */
    public static int indexOfDouble(MemorySegment m, long off, int n, double value) {
        boolean nan = Double.isNaN(value);
        int bound = D.loopBound(n);
        int i = 0;
        for (; i < bound; i += D.length()) {
            DoubleVector v = DoubleVector.fromMemorySegment(D, m, (off + i) * Double.BYTES, ORDER);
            var hit = nan ? v.test(VectorOperators.IS_NAN) : v.compare(VectorOperators.EQ, value);
            if (hit.anyTrue()) {
                return i + hit.firstTrue();
            }
        }
        for (; i < n; i++) {
            double x = m.getAtIndex(F64, off + i);
            if (nan ? Double.isNaN(x) : x == value) {
                return i;
            }
        }
        return -1;
    }

    // ---------------------------------------------------------------- columns

    /**
     * For j in [0, n): {@code acc[ao + j] = r.combine(acc[ao + j], r.term(m[off + j], shift[so + j]))}, with
     * the float32 input widened to float64 first: one step of a reduction over an outer axis.
     *
     * @param shift per-column shifts for {@link Reducer#SUM_SQUARES} and {@link Reducer#SUM_EXP} (else unused, may be null)
     */
    public static void reduceColumnsFloat(Reducer r, MemorySegment m, long off, int n, double[] acc, int ao,
                                          double[] shift, int so) {
        requireVectorForm(r);
        int bound = D.loopBound(n);
        switch (r) {
            case MAX, MAX_ABS -> {
                for (int j = 0; j < bound; j += D.length()) {
                    DoubleVector x = widen(m, off + j);
                    DoubleVector.fromArray(D, acc, ao + j).max(term(r, x, shift, so + j)).intoArray(acc, ao + j);
                }
            }
            case MIN, MIN_ABS -> {
                for (int j = 0; j < bound; j += D.length()) {
                    DoubleVector x = widen(m, off + j);
                    DoubleVector.fromArray(D, acc, ao + j).min(term(r, x, shift, so + j)).intoArray(acc, ao + j);
                }
            }
            default -> {
                for (int j = 0; j < bound; j += D.length()) {
                    DoubleVector x = widen(m, off + j);
                    DoubleVector.fromArray(D, acc, ao + j).add(term(r, x, shift, so + j)).intoArray(acc, ao + j);
                }
            }
        }
        for (int j = bound; j < n; j++) {
            acc[ao + j] = r.combine(acc[ao + j], r.term(m.getAtIndex(F32, off + j), shifted(r) ? shift[so + j] : 0, 0));
        }
    }

    /**
     * Four input rows, {@code stride} elements apart, folded into the same accumulators: as four calls of
     * {@link #reduceColumnsFloat} (up to the order of the additions), but each accumulator is loaded and
     * stored once per four rows, and the four rows are read as four memory streams.
     */
    public static void reduceColumnsFloat4(Reducer r, MemorySegment m, long off, long stride, int n, double[] acc,
                                           int ao, double[] shift, int so) {
        requireVectorForm(r);
        int bound = D.loopBound(n);
        switch (r) {
            case MAX, MAX_ABS -> {
                for (int j = 0; j < bound; j += D.length()) {
                    DoubleVector t0 = term(r, widen(m, off + j), shift, so + j);
                    DoubleVector t1 = term(r, widen(m, off + stride + j), shift, so + j);
                    DoubleVector t2 = term(r, widen(m, off + 2 * stride + j), shift, so + j);
                    DoubleVector t3 = term(r, widen(m, off + 3 * stride + j), shift, so + j);
                    DoubleVector.fromArray(D, acc, ao + j).max(t0.max(t1).max(t2.max(t3))).intoArray(acc, ao + j);
                }
            }
            case MIN, MIN_ABS -> {
                for (int j = 0; j < bound; j += D.length()) {
                    DoubleVector t0 = term(r, widen(m, off + j), shift, so + j);
                    DoubleVector t1 = term(r, widen(m, off + stride + j), shift, so + j);
                    DoubleVector t2 = term(r, widen(m, off + 2 * stride + j), shift, so + j);
                    DoubleVector t3 = term(r, widen(m, off + 3 * stride + j), shift, so + j);
                    DoubleVector.fromArray(D, acc, ao + j).min(t0.min(t1).min(t2.min(t3))).intoArray(acc, ao + j);
                }
            }
            default -> {
                for (int j = 0; j < bound; j += D.length()) {
                    DoubleVector t0 = term(r, widen(m, off + j), shift, so + j);
                    DoubleVector t1 = term(r, widen(m, off + stride + j), shift, so + j);
                    DoubleVector t2 = term(r, widen(m, off + 2 * stride + j), shift, so + j);
                    DoubleVector t3 = term(r, widen(m, off + 3 * stride + j), shift, so + j);
                    DoubleVector.fromArray(D, acc, ao + j).add(t0.add(t1).add(t2.add(t3))).intoArray(acc, ao + j);
                }
            }
        }
        for (int j = bound; j < n; j++) {
            double s = shifted(r) ? shift[so + j] : 0;
            double t = r.combine(r.combine(r.term(m.getAtIndex(F32, off + j), s, 0), r.term(m.getAtIndex(F32, off + stride + j), s, 0)),
                    r.combine(r.term(m.getAtIndex(F32, off + 2 * stride + j), s, 0), r.term(m.getAtIndex(F32, off + 3 * stride + j), s, 0)));
            acc[ao + j] = r.combine(acc[ao + j], t);
        }
    }

    /** As {@link #reduceColumnsFloat} for float64 input. */
    public static void reduceColumnsDouble(Reducer r, MemorySegment m, long off, int n, double[] acc, int ao,
                                           double[] shift, int so) {
        requireVectorForm(r);
        int bound = D.loopBound(n);
        switch (r) {
            case MAX, MAX_ABS -> {
                for (int j = 0; j < bound; j += D.length()) {
                    DoubleVector x = DoubleVector.fromMemorySegment(D, m, (off + j) * Double.BYTES, ORDER);
                    DoubleVector.fromArray(D, acc, ao + j).max(term(r, x, shift, so + j)).intoArray(acc, ao + j);
                }
            }
            case MIN, MIN_ABS -> {
                for (int j = 0; j < bound; j += D.length()) {
                    DoubleVector x = DoubleVector.fromMemorySegment(D, m, (off + j) * Double.BYTES, ORDER);
                    DoubleVector.fromArray(D, acc, ao + j).min(term(r, x, shift, so + j)).intoArray(acc, ao + j);
                }
            }
            default -> {
                for (int j = 0; j < bound; j += D.length()) {
                    DoubleVector x = DoubleVector.fromMemorySegment(D, m, (off + j) * Double.BYTES, ORDER);
                    DoubleVector.fromArray(D, acc, ao + j).add(term(r, x, shift, so + j)).intoArray(acc, ao + j);
                }
            }
        }
        for (int j = bound; j < n; j++) {
            acc[ao + j] = r.combine(acc[ao + j], r.term(m.getAtIndex(F64, off + j), shifted(r) ? shift[so + j] : 0, 0));
        }
    }

    /** D.length() float32 elements from element {@code at}, widened to float64. */
    private static DoubleVector widen(MemorySegment m, long at) {
        return (DoubleVector) FloatVector.fromMemorySegment(F_NARROW, m, at * Float.BYTES, ORDER)
                .convertShape(VectorOperators.F2D, D, 0);
    }

    private static boolean shifted(Reducer r) {
        return r == Reducer.SUM_SQUARES || r == Reducer.SUM_EXP;
    }

    /** The column term, with the shift read from {@code shift[at...]} by the kinds that use one. */
    private static DoubleVector term(Reducer r, DoubleVector x, double[] shift, int at) {
        return switch (r) {
            case SUM, MAX, MIN -> x;
            case SUM_ABS, MAX_ABS, MIN_ABS -> x.abs();
            case SUM_SQUARES -> {
                DoubleVector d = x.sub(DoubleVector.fromArray(D, shift, at));
                yield d.mul(d);
            }
            case SUM_EXP -> x.sub(DoubleVector.fromArray(D, shift, at)).lanewise(VectorOperators.EXP);
            default -> throw new IllegalArgumentException("ReductionKernels: " + r + " has no vector form");
        };
    }

    // ---------------------------------------------------------------- terms

    private static void requireVectorForm(Reducer r) {
        if (!r.hasVectorForm()) {
            throw new IllegalArgumentException("ReductionKernels: " + r + " has no vector form");
        }
    }

    private static FloatVector term(Reducer r, FloatVector x, FloatVector shift) {
        return switch (r) {
            case SUM, MAX, MIN -> x;
            case SUM_ABS, MAX_ABS, MIN_ABS -> x.abs();
            case SUM_SQUARES -> {
                FloatVector d = x.sub(shift);
                yield d.mul(d);
            }
            case SUM_EXP -> x.sub(shift).lanewise(VectorOperators.EXP);
            default -> throw new IllegalArgumentException("ReductionKernels: " + r + " has no vector form");
        };
    }

    private static DoubleVector term(Reducer r, DoubleVector x, DoubleVector shift) {
        return switch (r) {
            case SUM, MAX, MIN -> x;
            case SUM_ABS, MAX_ABS, MIN_ABS -> x.abs();
            case SUM_SQUARES -> {
                DoubleVector d = x.sub(shift);
                yield d.mul(d);
            }
            case SUM_EXP -> x.sub(shift).lanewise(VectorOperators.EXP);
            default -> throw new IllegalArgumentException("ReductionKernels: " + r + " has no vector form");
        };
    }
}
