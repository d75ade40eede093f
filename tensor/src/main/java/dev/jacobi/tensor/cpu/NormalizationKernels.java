package dev.jacobi.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * SIMD row kernels for softmax, log-softmax and layer normalization of contiguous float32 rows.
 * Each reads its input row in a first pass and finds it in cache for the next ones, so a row costs
 * one read and one write of memory when it fits in the L2 cache. Only touched when
 * {@link Simd#enabled()}; the scalar reference (float64 arithmetic) is in
 * {@code dev.jacobi.tensor.ops.Normalization}. Offsets and lengths are in elements.
 */
public final class NormalizationKernels {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;

    private NormalizationKernels() {
    }

    /**
     * {@code y[i] = e^(x[i] - max) / sum_j e^(x[j] - max)} for one row of {@code n > 0} elements;
     * the sum is accumulated as {@link ReductionKernels#reduceFloat} does. {@code y} may be {@code x}.
     */
    public static void softmaxRowFloat(MemorySegment x, long xo, MemorySegment y, long yo, int n) {
        softmaxRowFloat(x, xo, y, yo, n, (float) ReductionKernels.reduceFloat(Reducer.MAX, x, xo, n, 0));
    }

    /** As {@link #softmaxRowFloat(MemorySegment, long, MemorySegment, long, int)} with the row's maximum given. */
    public static void softmaxRowFloat(MemorySegment x, long xo, MemorySegment y, long yo, int n, float max) {
        FloatVector shift = FloatVector.broadcast(F, max);
        int lanes = F.length();
        int bound = F.loopBound(n);
        int block = ReductionKernels.ADDS_PER_LANE * lanes;
        double sum = 0;
        int i = 0;
        while (i < bound) {
            int end = Math.min(bound, i + block);
            FloatVector acc = FloatVector.zero(F);
            for (; i < end; i += lanes) {
                FloatVector e = FloatVector.fromMemorySegment(F, x, (xo + i) * Float.BYTES, ORDER)
                        .sub(shift).lanewise(VectorOperators.EXP);
                e.intoMemorySegment(y, (yo + i) * Float.BYTES, ORDER);
                acc = acc.add(e);
            }
            sum += acc.reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) {
            float e = (float) Math.exp(x.getAtIndex(F32, xo + i) - max);
            y.setAtIndex(F32, yo + i, e);
            sum += e;
        }
        scale(y, yo, n, (float) (1 / sum));
    }

    /** {@code y[i] = x[i] - max - log(sum_j e^(x[j] - max))} for one row of {@code n > 0} elements; {@code y} may be {@code x}. */
    public static void logSoftmaxRowFloat(MemorySegment x, long xo, MemorySegment y, long yo, int n) {
        logSoftmaxRowFloat(x, xo, y, yo, n, (float) ReductionKernels.reduceFloat(Reducer.MAX, x, xo, n, 0));
    }

    /** As {@link #logSoftmaxRowFloat(MemorySegment, long, MemorySegment, long, int)} with the row's maximum given. */
    public static void logSoftmaxRowFloat(MemorySegment x, long xo, MemorySegment y, long yo, int n, float max) {
        double sum = ReductionKernels.reduceFloat(Reducer.SUM_EXP, x, xo, n, max);
        float logSum = (float) Math.log(sum);
        FloatVector shift = FloatVector.broadcast(F, max);
        FloatVector offset = FloatVector.broadcast(F, logSum);
        int bound = F.loopBound(n);
        int i = 0;
        for (; i < bound; i += F.length()) {
            FloatVector.fromMemorySegment(F, x, (xo + i) * Float.BYTES, ORDER).sub(shift).sub(offset)
                    .intoMemorySegment(y, (yo + i) * Float.BYTES, ORDER);
        }
        for (; i < n; i++) {
            y.setAtIndex(F32, yo + i, x.getAtIndex(F32, xo + i) - max - logSum);
        }
    }

    /**
     * {@code y[i] = (x[i] - mean) / sqrt(var + eps) * w[i] + b[i]} for one row of {@code n > 0} elements,
     * with the population variance computed in a second pass around the mean (no cancellation).
     * {@code y} may be {@code x}. (For no scale or shift, pass rows of ones and zeros: a branch between a
     * loaded and a constant vector inside the loop would cost more than reading them from cache.)
     */
    public static void layerNormRowFloat(MemorySegment x, long xo, MemorySegment y, long yo, int n,
                                         MemorySegment w, long wo, MemorySegment b, long bo, double eps) {
        layerNormRowFloat(x, xo, y, yo, n, w, wo, b, bo, eps, ReductionKernels.reduceFloat(Reducer.SUM, x, xo, n, 0));
    }

    /** As the method above with the row's sum given (computed, for example, four rows at a time). */
    public static void layerNormRowFloat(MemorySegment x, long xo, MemorySegment y, long yo, int n,
                                         MemorySegment w, long wo, MemorySegment b, long bo, double eps, double sum) {
        double mean = sum / n;
        double var = ReductionKernels.reduceFloat(Reducer.SUM_SQUARES, x, xo, n, (float) mean) / n;
        float rstd = (float) (1 / Math.sqrt(var + eps));
        float m = (float) mean;
        FloatVector mv = FloatVector.broadcast(F, m);
        FloatVector rv = FloatVector.broadcast(F, rstd);
        int bound = F.loopBound(n);
        int i = 0;
        for (; i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromMemorySegment(F, x, (xo + i) * Float.BYTES, ORDER).sub(mv).mul(rv);
            FloatVector wv = FloatVector.fromMemorySegment(F, w, (wo + i) * Float.BYTES, ORDER);
            FloatVector bv = FloatVector.fromMemorySegment(F, b, (bo + i) * Float.BYTES, ORDER);
            v.fma(wv, bv).intoMemorySegment(y, (yo + i) * Float.BYTES, ORDER);
        }
        for (; i < n; i++) {
            float v = (x.getAtIndex(F32, xo + i) - m) * rstd;
            y.setAtIndex(F32, yo + i, Math.fma(v, w.getAtIndex(F32, wo + i), b.getAtIndex(F32, bo + i)));
        }
    }

    private static void scale(MemorySegment y, long yo, int n, float factor) {
        int bound = F.loopBound(n);
        int i = 0;
        for (; i < bound; i += F.length()) {
            long at = (yo + i) * Float.BYTES;
            FloatVector.fromMemorySegment(F, y, at, ORDER).mul(factor).intoMemorySegment(y, at, ORDER);
        }
        for (; i < n; i++) {
            y.setAtIndex(F32, yo + i, y.getAtIndex(F32, yo + i) * factor);
        }
    }
}
