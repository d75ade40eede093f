package dev.jacobi.tensor;

import dev.jacobi.tensor.ops.Loops;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.stream.IntStream;

/**
 * A seeded, reproducible source of random tensors, built on the counter-based generator
 * Philox4x32-10 (Salmon, Moraes, Dror and Shaw, "Parallel random numbers: as easy as 1, 2, 3", SC 2011).
 *
 * <p><b>The stream.</b> A generator holds a 64-bit key (the seed: low word k0, high word k1) and a
 * position p. Block b is the four 32-bit words {@code philox(key, counter = (b_lo, b_hi, 0, 0))}.
 * Each call takes the next consecutive blocks, starting at p, and advances p past them; element e of
 * the call (row-major) uses words of block {@code p + e / perBlock}:
 * <ul>
 *   <li>a 24-bit float uniform is {@code (w >>> 8) * 2^-24}, one word, 4 per block;</li>
 *   <li>a 53-bit double uniform is {@code (u64 >>> 11) * 2^-53} of the 64-bit {@code u64 = w_hi << 32 | w_lo}
 *       made of words (0, 1) or (2, 3) of a block, so 2 per block;</li>
 *   <li>normals come in pairs by Box-Muller from the two double uniforms (u, v) of one block:
 *       {@code r = sqrt(-2 ln(1 - u))}, {@code z0 = r cos(2 pi v)}, {@code z1 = r sin(2 pi v)},
 *       computed with {@link StrictMath} so every JVM gives the same bits.</li>
 * </ul>
 * The values therefore depend only on the seed, the sequence of calls and their sizes: not on the
 * number of threads that fill a tensor (large tensors are filled in parallel, each thread computing
 * its blocks' counters directly), nor on the machine. Known-answer values of the block function are in
 * the tests.
 *
 * <p>A generator may be shared between threads (taking blocks is atomic), but then which values each
 * call gets depends on the order of the calls; give each thread its own {@link #fork()} instead.
 */
public final class Generator {
    private static final int M0 = 0xD2511F53;
    private static final int M1 = 0xCD9E8D57;
    private static final int W0 = 0x9E3779B9;
    private static final int W1 = 0xBB67AE85;
    private static final double TWO_PI = 2 * Math.PI;
    private static final double DOUBLE_UNIT = 0x1.0p-53;
    private static final float FLOAT_UNIT = 0x1.0p-24f;
    /** Blocks per parallel work item; item boundaries depend only on the element count, never on threads. */
    private static final int BLOCKS_PER_TASK = 4096;

    private final int k0;
    private final int k1;
    private long position;

    private Generator(long key, long position) {
        this.k0 = (int) key;
        this.k1 = (int) (key >>> 32);
        this.position = position;
    }

    /** A generator whose stream is fixed by {@code seed}, at position 0. */
    public static Generator seeded(long seed) {
        return new Generator(seed, 0);
    }

    /** The number of blocks (of four 32-bit words) taken so far. */
    public synchronized long position() {
        return position;
    }

    /**
     * Moves to {@code position} (a value {@link #position()} returned), so the stream goes on from
     * there: how a training run resumed from a checkpoint draws the same values as an unbroken run.
     *
     * @throws IllegalArgumentException when {@code position} is negative
     */
    public synchronized void seek(long position) {
        if (position < 0) {
            throw new IllegalArgumentException("Generator.seek: position must be >= 0, got " + position);
        }
        this.position = position;
    }

    /** An independent copy in the same state: it produces the same values as this one from here on. */
    public synchronized Generator copy() {
        return new Generator(key(), position);
    }

    /**
     * A new generator for an independent stream, keyed by the 64 bits of the next block of this one
     * (which advances by one block). Forks of forks are fine; the keys collide only with the probability
     * of a 64-bit birthday clash.
     */
    public Generator fork() {
        long b = take(1);
        int[] w = new int[4];
        block(b, w);
        return new Generator(join(w[0], w[1]), 0);
    }

    /**
     * Uniform values in {@code [low, high)} of a floating or complex dtype (both parts uniform for complex).
     * {@code low} and {@code high} are first rounded to the dtype; a value that the affine map
     * {@code low + (high - low) u} rounds up to {@code high} becomes the largest value below {@code high},
     * so {@code high} is never returned. Float32, float16 and bfloat16 draw 24-bit uniforms (4 per block),
     * float64 53-bit ones (2 per block); complex64 takes 2 words and complex128 one block per element.
     *
     * @throws IllegalArgumentException when the dtype is not floating or complex, or the bounds are not finite
     *                                  with {@code low < high} after rounding
     */
    public Tensor uniform(DType dtype, double low, double high, int... shape) {
        String op = "Generator.uniform";
        checkInexact(op, dtype);
        Shapes.checkShape(op, shape);
        Tensor out = Tensor.empty(dtype, shape);
        Storage s = out.storage();
        double lo = roundTo(dtype, low);
        double hi = roundTo(dtype, high);
        if (!(lo < hi) || Double.isInfinite(lo) || Double.isInfinite(hi) || Double.isInfinite(hi - lo)) {
            throw new IllegalArgumentException(op + ": needs finite low < high in " + dtype + ", got low=" + low
                    + ", high=" + high);
        }
        double below = nextDown(dtype, hi);
        boolean wide = dtype.realPart() == DType.FLOAT64;
        int partsPerBlock = wide ? 2 : 4;
        int parts = dtype.isComplex() ? 2 : 1;
        long count = out.numel() * parts;
        boolean fastFloat = dtype == DType.FLOAT32 && lo == 0 && hi == 1;
        MemorySegment seg = s.segment();
        fill(count, partsPerBlock, (part, w, slot) -> {
            double u = wide ? uniform53(w, slot) : uniform24(w[slot]);
            if (fastFloat) {
                seg.setAtIndex(ValueLayout.JAVA_FLOAT, part, (float) u);
                return;
            }
            double v = roundTo(dtype, lo + (hi - lo) * u);
            store(s, part, parts, v >= hi ? below : v);
        });
        return out;
    }

    /**
     * Normal values with the given mean and standard deviation, of a floating or complex dtype, by the
     * Box-Muller pairs described in the class comment (2 per block), computed in float64 and rounded to the
     * dtype. Complex values have independent real and imaginary parts, each of variance std²/2 (so that
     * E|z - mean|² = std², as {@code torch.randn} for complex); {@code mean} shifts the real part.
     *
     * @throws IllegalArgumentException when the dtype is not floating or complex, {@code mean} is not finite
     *                                  or {@code std} is negative or not finite
     */
    public Tensor normal(DType dtype, double mean, double std, int... shape) {
        String op = "Generator.normal";
        checkInexact(op, dtype);
        Shapes.checkShape(op, shape);
        if (!Double.isFinite(mean) || !(std >= 0) || !Double.isFinite(std)) {
            throw new IllegalArgumentException(op + ": needs a finite mean and a finite std >= 0, got mean=" + mean
                    + ", std=" + std);
        }
        Tensor out = Tensor.empty(dtype, shape);
        Storage s = out.storage();
        int parts = dtype.isComplex() ? 2 : 1;
        double scale = dtype.isComplex() ? std / Math.sqrt(2) : std;
        fill(out.numel() * parts, 2, (part, w, slot) -> {
            double u = uniform53(w, 0);
            double v = uniform53(w, 1);
            double r = StrictMath.sqrt(-2 * StrictMath.log(1 - u));
            double z = slot == 0 ? r * StrictMath.cos(TWO_PI * v) : r * StrictMath.sin(TWO_PI * v);
            store(s, part, parts, (parts == 2 && part % 2 == 1 ? 0 : mean) + scale * z);
        });
        return out;
    }

    /**
     * Uniform integers in {@code [low, high)} as INT32, each from a 64-bit word pair (2 per block) by
     * {@code low + floor(u64 * (high - low) / 2^64)}, whose bias is below {@code (high - low) / 2^64}.
     *
     * @throws IllegalArgumentException when {@code low >= high}
     */
    public Tensor randint(int low, int high, int... shape) {
        String op = "Generator.randint";
        Shapes.checkShape(op, shape);
        if (low >= high) {
            throw new IllegalArgumentException(op + ": needs low < high, got low=" + low + ", high=" + high);
        }
        Tensor out = Tensor.empty(DType.INT32, shape);
        MemorySegment seg = out.storage().segment();
        long range = (long) high - low;
        fill(out.numel(), 2, (e, w, slot) ->
                seg.setAtIndex(ValueLayout.JAVA_INT, e, (int) (low + Math.unsignedMultiplyHigh(bits64(w, slot), range))));
        return out;
    }

    /**
     * A uniformly random permutation of {@code 0 .. n-1} as INT32, by a Fisher-Yates shuffle: for
     * {@code i = n-1} down to 1, swap entry i with entry {@code j = floor(u64 * (i + 1) / 2^64)}, where the
     * u64 come from consecutive word pairs (2 per block).
     *
     * @throws IllegalArgumentException when {@code n} is negative
     */
    public Tensor permutation(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("Generator.permutation: negative size " + n);
        }
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        long draws = Math.max(n - 1, 0);
        long start = take((draws + 1) / 2);
        int[] w = new int[4];
        for (long k = 0; k < draws; k++) {
            if (k % 2 == 0) {
                block(start + k / 2, w);
            }
            int i = (int) (n - 1 - k);
            int j = (int) Math.unsignedMultiplyHigh(bits64(w, (int) (k % 2)), i + 1L);
            int tmp = p[i];
            p[i] = p[j];
            p[j] = tmp;
        }
        return Tensor.ofInts(p, n);
    }

    /**
     * A BOOL tensor of {@code p}'s shape whose element is true with probability {@code p} at that element:
     * element e is {@code u_e < p_e} for the 53-bit double uniform u_e (2 per block), the same u_e that
     * {@code uniform(FLOAT64, 0, 1, ...)} would return from this state.
     *
     * @throws IllegalArgumentException when {@code p} is complex, or holds NaN or a value outside [0, 1]
     *                                  (the message gives the first such value and its position)
     */
    public Tensor bernoulli(Tensor p) {
        String op = "Generator.bernoulli";
        if (p.dtype().isComplex()) {
            throw new IllegalArgumentException(op + ": probabilities must be real, got " + p.dtype());
        }
        double[] prob = p.toDoubleArray();
        for (int i = 0; i < prob.length; i++) {
            if (!(prob[i] >= 0 && prob[i] <= 1)) {
                throw new IllegalArgumentException(op + ": probability " + prob[i] + " at flat position " + i
                        + " of shape " + Shapes.format(p.shape()) + " is not in [0, 1]");
            }
        }
        Tensor out = Tensor.empty(DType.BOOL, p.shape());
        MemorySegment seg = out.storage().segment();
        fill(prob.length, 2, (e, w, slot) ->
                seg.set(ValueLayout.JAVA_BYTE, e, (byte) (uniform53(w, slot) < prob[(int) e] ? 1 : 0)));
        return out;
    }

    /** A BOOL tensor whose every element is true with probability {@code p}; see {@link #bernoulli(Tensor)}. */
    public Tensor bernoulli(double p, int... shape) {
        return bernoulli(Tensor.full(DType.FLOAT64, p, shape));
    }

    /**
     * The four 32-bit words of Philox4x32-10 for the 128-bit counter {@code (c0, c1, c2, c3)} and the 64-bit
     * key {@code (k0, k1)}, written to {@code out}. Package-private for the known-answer tests.
     */
    static void philox(int c0, int c1, int c2, int c3, int k0, int k1, int[] out) {
        for (int round = 0; round < 10; round++) {
            if (round > 0) {
                k0 += W0;
                k1 += W1;
            }
            long p0 = (c0 & 0xFFFFFFFFL) * (M0 & 0xFFFFFFFFL);
            long p1 = (c2 & 0xFFFFFFFFL) * (M1 & 0xFFFFFFFFL);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            c0 = n0;
            c1 = (int) p1;
            c2 = n2;
            c3 = (int) p0;
        }
        out[0] = c0;
        out[1] = c1;
        out[2] = c2;
        out[3] = c3;
    }

    /** Block {@code b} of this generator's stream. */
    private void block(long b, int[] out) {
        philox((int) b, (int) (b >>> 32), 0, 0, k0, k1, out);
    }

    /** Reserves {@code blocks} consecutive blocks and returns the first. */
    private synchronized long take(long blocks) {
        long start = position;
        position += blocks;
        return start;
    }

    private long key() {
        return join(k0, k1);
    }

    /** Receives element (or complex part) {@code e} with the words of its block and its slot in the block. */
    @FunctionalInterface
    private interface Sink {
        void put(long e, int[] words, int slot);
    }

    /** Takes the blocks for {@code count} values, {@code perBlock} per block, and hands each to {@code sink}. */
    private void fill(long count, int perBlock, Sink sink) {
        long blocks = (count + perBlock - 1) / perBlock;
        long start = take(blocks);
        long tasks = (blocks + BLOCKS_PER_TASK - 1) / BLOCKS_PER_TASK;
        IntStream range = IntStream.range(0, Math.toIntExact(tasks));
        if (count >= Loops.PARALLEL_THRESHOLD) {
            range = range.parallel();
        }
        range.forEach(task -> {
            int[] w = new int[4];
            long b0 = (long) task * BLOCKS_PER_TASK;
            long b1 = Math.min(blocks, b0 + BLOCKS_PER_TASK);
            for (long b = b0; b < b1; b++) {
                block(start + b, w);
                long e0 = b * perBlock;
                int slots = (int) Math.min(perBlock, count - e0);
                for (int slot = 0; slot < slots; slot++) {
                    sink.put(e0 + slot, w, slot);
                }
            }
        });
    }

    private static long join(int lo, int hi) {
        return (lo & 0xFFFFFFFFL) | ((long) hi << 32);
    }

    /** The 64 bits made of words (2 slot, 2 slot + 1) of a block, low word first. */
    private static long bits64(int[] w, int slot) {
        return join(w[2 * slot], w[2 * slot + 1]);
    }

    /** A double uniform in [0, 1) from the top 53 of 64 bits. */
    private static double uniform53(int[] w, int slot) {
        return (bits64(w, slot) >>> 11) * DOUBLE_UNIT;
    }

    /** A float uniform in [0, 1) from the top 24 of 32 bits (exact in float, at most 1 - 2^-24). */
    private static double uniform24(int word) {
        return (word >>> 8) * FLOAT_UNIT;
    }

    /** Writes part {@code part} (real and imaginary parts alternate when {@code parts} is 2). */
    private static void store(Storage s, long part, int parts, double v) {
        if (parts == 1) {
            s.setDouble(part, v);
        } else if (part % 2 == 0) {
            s.setDouble(part / 2, v);
        } else {
            s.setImag(part / 2, v);
        }
    }

    private static void checkInexact(String op, DType dtype) {
        if (!dtype.isInexact()) {
            throw new IllegalArgumentException(op + ": needs a floating or complex dtype, got " + dtype
                    + (dtype.isInteger() ? " (use randint)" : ""));
        }
    }

    /** {@code v} rounded to the real part type of {@code dtype}, as storing it would. */
    private static double roundTo(DType dtype, double v) {
        return switch (dtype.realPart()) {
            case FLOAT64 -> v;
            case FLOAT32 -> (float) v;
            case FLOAT16 -> Float.float16ToFloat(Float.floatToFloat16((float) v));
            case BFLOAT16 -> BFloat16.toFloat(BFloat16.fromFloat((float) v));
            default -> throw new IllegalStateException("not a floating type: " + dtype);
        };
    }

    /** The largest value of {@code dtype}'s real part type below {@code v}, which is finite and representable. */
    private static double nextDown(DType dtype, double v) {
        return switch (dtype.realPart()) {
            case FLOAT64 -> Math.nextDown(v);
            case FLOAT32 -> Math.nextDown((float) v);
            case FLOAT16 -> Float.float16ToFloat(halfDown(Float.floatToFloat16((float) v)));
            case BFLOAT16 -> BFloat16.toFloat(halfDown(BFloat16.fromFloat((float) v)));
            default -> throw new IllegalStateException("not a floating type: " + dtype);
        };
    }

    /** The next 16-bit sign-magnitude float below {@code bits} (float16 and bfloat16 order alike). */
    private static short halfDown(short bits) {
        int b = bits & 0xFFFF;
        if (b == 0 || b == 0x8000) {
            return (short) 0x8001; // below zero: the negative value of least magnitude
        }
        return (short) ((b & 0x8000) == 0 ? b - 1 : b + 1);
    }
}
