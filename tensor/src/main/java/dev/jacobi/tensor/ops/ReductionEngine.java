package dev.jacobi.tensor.ops;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Storage;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.cpu.ReductionKernels;
import dev.jacobi.tensor.cpu.Reducer;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.function.LongConsumer;
import java.util.stream.LongStream;

/**
 * Runs a {@link ReductionPlan}: folds each output's elements with a {@link Reducer} and returns one
 * float64 result per output (plus the imaginary part, an exact integer sum or an index where needed).
 *
 * <p>Two paths:
 * <ul>
 *   <li><b>segments</b>: each output walks its elements as runs along the innermost reduced axis; a run
 *       with stride 1 goes to the SIMD row kernels ({@link ReductionKernels#reduceFloat}), any other to the
 *       scalar loop. Reductions over the contiguous last axis, and full reductions, take this path; float32
 *       rows are reduced four at a time ({@link ReductionKernels#reduceFloat4}).</li>
 *   <li><b>columns</b>: when the innermost kept axis is the contiguous one (a reduction over outer axes),
 *       input rows are folded into a float64 accumulator per output
 *       ({@link ReductionKernels#reduceColumnsFloat}, four rows at a time for float32), reading memory in order.</li>
 * </ul>
 *
 * <p>Work is cut into items of about {@link #CHUNK} elements that depend only on the shapes: several
 * outputs per item when outputs are small, else pieces of one output whose partial results are combined
 * in a fixed order afterwards. Items run on the common fork-join pool, so the result never depends on
 * the number of threads or their timing.
 */
final class ReductionEngine {
    /**
     * Elements per work item; also the longest run a row kernel sees. Long runs matter: one thread summed
     * 64 MiB at 29 GB/s in runs of 32 Ki floats and 35 GB/s in runs of 256 Ki (the prefetchers need long streams).
     */
    static final int CHUNK = 1 << 18;
    /** Widest run of outputs the column path accumulates at once (32 KiB of float64 accumulators, cache-resident). */
    static final int SLAB = 4096;
    /**
     * Input elements per work item of the column path: large, because every item adds a row of partial
     * results to combine, and because each item reads rows of the slab one after the other.
     */
    static final int COLUMN_ITEM = 1 << 20;

    /**
     * Per-output results.
     *
     * @param value the folded value (real part for complex sums)
     * @param imag  imaginary parts of complex sums, else null
     * @param whole exact integer sums, or argmax/argmin indices, else null
     */
    record Result(double[] value, double[] imag, long[] whole) {
    }

    private final Storage storage;
    private final MemorySegment memory;
    private final ReductionPlan plan;
    private final Reducer reducer;
    private final boolean arg;
    private final boolean exact;
    private final boolean complex;
    private final double power;
    private final double[] shiftRe;
    private final double[] shiftIm;
    private final boolean float32;
    /** SIMD row and column kernels apply: float32/float64 input, a kind with a vector form, SIMD on. */
    private final boolean vector;

    private ReductionEngine(Tensor t, ReductionPlan plan, Reducer reducer, boolean arg, double power,
                            double[] shiftRe, double[] shiftIm, boolean vector) {
        this.storage = t.storage();
        this.memory = storage.segment();
        this.plan = plan;
        this.reducer = reducer;
        this.arg = arg;
        DType dt = t.dtype();
        this.complex = dt.isComplex();
        this.exact = reducer == Reducer.SUM && !dt.isInexact();
        this.power = power;
        // The column kernels read a shift per output for the shifted kinds; "no shift" means zeros there.
        boolean shifted = reducer == Reducer.SUM_SQUARES || reducer == Reducer.SUM_EXP;
        this.shiftRe = shiftRe == null && shifted ? new double[Math.toIntExact(plan.outputs())] : shiftRe;
        this.shiftIm = shiftIm;
        this.float32 = dt == DType.FLOAT32;
        this.vector = vector && (dt == DType.FLOAT32 || dt == DType.FLOAT64) && reducer.hasVectorForm();
    }

    /**
     * Folds every output of {@code plan}.
     *
     * @param reducer what to fold; for argmax / argmin pass MAX / MIN with {@code arg} true
     * @param power   the p of {@link Reducer#SUM_ABS_POW}
     * @param shiftRe per-output shifts of SUM_SQUARES / SUM_EXP (null: 0); shiftIm their imaginary parts (complex input)
     * @param vector  whether the SIMD kernels may run (false: the scalar reference path throughout)
     */
    static Result run(Tensor t, ReductionPlan plan, Reducer reducer, boolean arg, double power,
                      double[] shiftRe, double[] shiftIm, boolean vector) {
        ReductionEngine e = new ReductionEngine(t, plan, reducer, arg, power, shiftRe, shiftIm, vector);
        if (plan.outputs() == 0) {
            return new Result(new double[0], e.complex ? new double[0] : null, arg || e.exact ? new long[0] : null);
        }
        long[] ks = plan.keptShape();
        long[] rs = plan.redStrides();
        boolean columns = !arg && !e.exact && !e.complex && ks.length > 0 && plan.keptStrides()[ks.length - 1] == 1
                && rs[rs.length - 1] != 1 && rs[rs.length - 1] != -1;
        return columns ? e.columns() : e.segments();
    }

    // ---------------------------------------------------------------- segments path

    /** The running fold of one output (or one piece of it). */
    private static final class Acc {
        double value;
        double imag;
        long whole;
        double shiftRe;
        double shiftIm;
    }

    private Result segments() {
        long outputs = plan.outputs();
        long count = plan.count();
        int pieces = (int) Math.max(1, ceilDiv(count, CHUNK));
        long perItem = pieces > 1 ? 1 : Math.max(1, CHUNK / Math.max(count, 1));
        int slots = Math.toIntExact(outputs * pieces);
        double[] value = new double[slots];
        double[] imag = complex ? new double[slots] : null;
        long[] whole = exact || arg ? new long[slots] : null;
        long items = pieces > 1 ? outputs * pieces : ceilDiv(outputs, perItem);
        // Whole contiguous float32 rows, several per item: four at a time (see ReductionKernels.reduceFloat4).
        boolean fourRows = vector && float32 && !arg && pieces == 1 && plan.redShape().length == 1
                && plan.redStrides()[0] == 1 && count >= 16;
        forEachItem(items, outputs * count, item -> {
            Acc a = new Acc();
            long first = pieces > 1 ? item / pieces : item * perItem;
            long last = pieces > 1 ? first + 1 : Math.min(outputs, first + perItem);
            for (long o = first; o < last; o++) {
                if (fourRows && o + 4 <= last && fourRows(o, value)) {
                    o += 3;
                    continue;
                }
                int piece = (int) (pieces > 1 ? item % pieces : 0);
                start(a, o);
                walk(a, plan.outputOffset(o), (long) piece * CHUNK, Math.min(count, (piece + 1L) * CHUNK));
                int slot = (int) (o * pieces + piece);
                value[slot] = a.value;
                if (imag != null) {
                    imag[slot] = a.imag;
                }
                if (whole != null) {
                    whole[slot] = a.whole;
                }
            }
        });
        if (pieces == 1) {
            return new Result(value, imag, whole);
        }
        // Combine the pieces of each output in order: deterministic, and first-occurrence for argmax.
        int n = (int) outputs;
        Result r = new Result(new double[n], complex ? new double[n] : null, whole != null ? new long[n] : null);
        Acc a = new Acc();
        for (int o = 0; o < n; o++) {
            start(a, o);
            for (int c = 0; c < pieces; c++) {
                int slot = o * pieces + c;
                if (arg) {
                    offer(a, value[slot], whole[slot]);
                } else {
                    a.value = reducer.combine(a.value, value[slot]);
                    if (complex) {
                        a.imag += imag[slot];
                    }
                    if (exact) {
                        a.whole += whole[slot];
                    }
                }
            }
            r.value[o] = a.value;
            if (complex) {
                r.imag[o] = a.imag;
            }
            if (r.whole != null) {
                r.whole[o] = a.whole;
            }
        }
        return r;
    }

    /**
     * Reduces outputs o..o+3 into {@code value} with one four-row kernel call when their rows are equally
     * spaced in memory (always, unless the last kept axis ends among them); returns false otherwise.
     */
    private boolean fourRows(long o, double[] value) {
        long off = plan.outputOffset(o);
        long stride = plan.outputOffset(o + 1) - off;
        if (plan.outputOffset(o + 2) - off != 2 * stride || plan.outputOffset(o + 3) - off != 3 * stride) {
            return false;
        }
        ReductionKernels.reduceFloat4(reducer, memory, off, stride, (int) plan.count(), shiftRe, (int) o, value, (int) o);
        return true;
    }

    private void start(Acc a, long o) {
        a.value = reducer.identity();
        a.imag = 0;
        a.whole = arg ? -1 : 0;
        a.shiftRe = shiftRe == null ? 0 : shiftRe[(int) o];
        a.shiftIm = shiftIm == null ? 0 : shiftIm[(int) o];
    }

    /** Folds the elements at flat positions [from, to) of the reduced index space starting at {@code base}. */
    private void walk(Acc a, long base, long from, long to) {
        if (from >= to) {
            return;
        }
        Cursor cur = new Cursor(plan.redShape(), plan.redStrides(), base, from);
        long step = cur.innerStride();
        for (long pos = from; pos < to; ) {
            int len = (int) Math.min(cur.leftInRow(), to - pos);
            segment(a, cur.offset, len, step, pos);
            pos += len;
            cur.advance(len);
        }
    }

    /** Folds {@code len} elements from {@code off} moving by {@code step}; {@code pos} is the first one's flat position. */
    private void segment(Acc a, long off, int len, long step, long pos) {
        if (vector && step == 1) {
            double v = float32 ? ReductionKernels.reduceFloat(reducer, memory, off, len, (float) a.shiftRe)
                    : ReductionKernels.reduceDouble(reducer, memory, off, len, a.shiftRe);
            if (arg) {
                int i = float32 ? ReductionKernels.indexOfFloat(memory, off, len, (float) v)
                        : ReductionKernels.indexOfDouble(memory, off, len, v);
                offer(a, v, pos + i);
            } else {
                a.value = reducer.combine(a.value, v);
            }
            return;
        }
        Storage s = storage;
        if (complex) {
            double v = a.value;
            double w = a.imag;
            for (int i = 0; i < len; i++) {
                long j = off + i * step;
                double re = s.getDouble(j);
                double im = s.getImag(j);
                if (reducer == Reducer.SUM) {
                    v += re;
                    w += im;
                } else if (reducer == Reducer.SUM_SQUARES) {
                    double dr = re - a.shiftRe;
                    double di = im - a.shiftIm;
                    v += dr * dr + di * di;
                } else {
                    v = reducer.combine(v, reducer.term(Math.hypot(re, im), 0, power));
                }
            }
            a.value = v;
            a.imag = w;
        } else if (exact) {
            long sum = 0;
            for (int i = 0; i < len; i++) {
                sum += (long) s.getDouble(off + i * step);
            }
            a.whole += sum;
        } else if (arg) {
            for (int i = 0; i < len; i++) {
                offer(a, s.getDouble(off + i * step), pos + i);
            }
        } else {
            double v = a.value;
            for (int i = 0; i < len; i++) {
                v = reducer.combine(v, reducer.term(s.getDouble(off + i * step), a.shiftRe, power));
            }
            a.value = v;
        }
    }

    /** Takes {@code x} at {@code index} as the new arg-extremum when it beats the current one; the first NaN wins for good. */
    private void offer(Acc a, double x, long index) {
        boolean better = a.whole < 0 || (!Double.isNaN(a.value)
                && (Double.isNaN(x) || (reducer == Reducer.MAX ? x > a.value : x < a.value)));
        if (better) {
            a.value = x;
            a.whole = index;
        }
    }

    // ---------------------------------------------------------------- columns path

    private Result columns() {
        long[] ks = plan.keptShape();
        int width = Math.toIntExact(ks[ks.length - 1]);
        long outer = plan.outputs() / width;
        long count = plan.count();
        int slabs = (int) ceilDiv(width, SLAB);
        long rowsPerPiece = Math.max(1, COLUMN_ITEM / Math.min(width, SLAB));
        int pieces = (int) Math.max(1, ceilDiv(count, rowsPerPiece));
        double[] partial = new double[Math.toIntExact(plan.outputs() * pieces)];
        long items = count == 0 ? 0 : outer * slabs * pieces;
        if (count == 0) {
            Arrays.fill(partial, reducer.identity());
        }
        forEachItem(items, plan.outputs() * count, item -> {
            long o = item / ((long) slabs * pieces);
            int slab = (int) (item / pieces % slabs);
            int piece = (int) (item % pieces);
            int j0 = slab * SLAB;
            int w = Math.min(SLAB, width - j0);
            double[] acc = new double[w];
            Arrays.fill(acc, reducer.identity());
            int firstOutput = (int) (o * width + j0);
            long from = piece * rowsPerPiece;
            long to = Math.min(count, from + rowsPerPiece);
            Cursor cur = new Cursor(plan.redShape(), plan.redStrides(), plan.outputOffset(o * width) + j0, from);
            long[] offs = new long[4];
            for (long row = from; row < to; ) {
                int k = (int) Math.min(4, to - row);
                for (int q = 0; q < k; q++) {
                    offs[q] = cur.offset;
                    cur.advance(1);
                }
                row += k;
                long gap = offs[1] - offs[0];
                if (vector && float32 && k == 4 && offs[2] - offs[1] == gap && offs[3] - offs[2] == gap) {
                    ReductionKernels.reduceColumnsFloat4(reducer, memory, offs[0], gap, w, acc, 0, shiftRe, firstOutput);
                } else {
                    for (int q = 0; q < k; q++) {
                        columnStep(offs[q], w, acc, firstOutput);
                    }
                }
            }
            System.arraycopy(acc, 0, partial, (int) ((o * pieces + piece) * width + j0), w);
        });
        double[] value = new double[(int) plan.outputs()];
        Arrays.fill(value, reducer.identity());
        for (long o = 0; o < outer; o++) {
            for (int c = 0; c < pieces; c++) {
                int from = (int) ((o * pieces + c) * width);
                int to = (int) (o * width);
                for (int j = 0; j < width; j++) {
                    value[to + j] = reducer.combine(value[to + j], partial[from + j]);
                }
            }
        }
        return new Result(value, null, null);
    }

    /** Folds the contiguous input run at {@code off} into {@code acc}; {@code firstOutput} indexes the shifts. */
    private void columnStep(long off, int w, double[] acc, int firstOutput) {
        if (vector) {
            if (float32) {
                ReductionKernels.reduceColumnsFloat(reducer, memory, off, w, acc, 0, shiftRe, firstOutput);
            } else {
                ReductionKernels.reduceColumnsDouble(reducer, memory, off, w, acc, 0, shiftRe, firstOutput);
            }
            return;
        }
        for (int j = 0; j < w; j++) {
            double shift = shiftRe == null ? 0 : shiftRe[firstOutput + j];
            acc[j] = reducer.combine(acc[j], reducer.term(storage.getDouble(off + j), shift, power));
        }
    }

    // ---------------------------------------------------------------- shared

    /** Runs {@code body} for items [0, items), on the fork-join pool when the work is large enough to pay for it. */
    static void forEachItem(long items, long work, LongConsumer body) {
        if (items > 1 && work >= Loops.PARALLEL_THRESHOLD) {
            LongStream.range(0, items).parallel().forEach(body);
        } else {
            for (long i = 0; i < items; i++) {
                body.accept(i);
            }
        }
    }

    static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /** A row-major position in a strided index space and its element offset. */
    private static final class Cursor {
        private final long[] shape;
        private final long[] strides;
        private final long[] idx;
        long offset;

        Cursor(long[] shape, long[] strides, long base, long start) {
            this.shape = shape;
            this.strides = strides;
            this.idx = new long[shape.length];
            long off = base;
            for (int d = shape.length - 1; d >= 0; d--) {
                idx[d] = start % shape[d];
                start /= shape[d];
                off += idx[d] * strides[d];
            }
            this.offset = off;
        }

        long innerStride() {
            return strides[strides.length - 1];
        }

        long leftInRow() {
            return shape[shape.length - 1] - idx[shape.length - 1];
        }

        /** Moves {@code k <= leftInRow()} places along the innermost axis, carrying into the outer ones. */
        void advance(long k) {
            int d = shape.length - 1;
            idx[d] += k;
            offset += k * strides[d];
            while (d > 0 && idx[d] == shape[d]) {
                offset -= shape[d] * strides[d];
                idx[d] = 0;
                d--;
                idx[d]++;
                offset += strides[d];
            }
        }
    }
}
