package dev.jacobi.nn.optim;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Device;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.cpu.Simd;
import dev.jacobi.tensor.cpu.WorkerThreads;
import dev.jacobi.tensor.ops.Loops;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * One pass per optimizer step over contiguous float32 or float64 parameters: each element of the
 * parameter, its gradient and its state is read once and written once. Each update has a SIMD loop
 * (only touched when {@link Simd#enabled()}) and a scalar loop that performs the same IEEE operations in
 * the same order, so both give identical results; the plain tensor-op version of each update lives in
 * its optimizer class.
 */
final class FusedKernels {
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE;

    private FusedKernels() {
    }

    /** Constants of one SGD step (torch.optim.SGD). {@code firstStep}: the momentum buffer is set to the gradient. */
    record SgdStep(double lr, double momentum, double dampening, boolean nesterov, double weightDecay, boolean firstStep) {
    }

    /**
     * Constants of one Adam/AdamW step: {@code stepSize = lr / (1 - beta1^t)}, {@code bc2Sqrt = sqrt(1 - beta2^t)},
     * {@code decay = 1 - lr * weightDecay} (AdamW's decoupled shrink).
     */
    record AdamStep(double beta1, double beta2, double eps, double weightDecay, boolean decoupled, boolean amsgrad,
                    double stepSize, double bc2Sqrt, double decay) {
    }

    /** Whether {@code p} (and its gradient and state, made alike) can take the fused loop. */
    static boolean fusable(Tensor p) {
        return (p.dtype() == DType.FLOAT32 || p.dtype() == DType.FLOAT64) && p.isContiguous() && p.device() == Device.CPU;
    }

    @FunctionalInterface
    private interface Range {
        void run(long from, long to);
    }

    /** Runs {@code body} over [0, n) in one contiguous range per worker thread when n is large. */
    private static void split(long n, Range body) {
        int parts = n < Loops.PARALLEL_THRESHOLD ? 1 : WorkerThreads.count();
        if (parts == 1) {
            body.run(0, n);
            return;
        }
        long chunk = ((n + parts - 1) / parts + 63) & ~63L; // whole cache lines per thread
        Runnable[] tasks = new Runnable[parts];
        for (int k = 0; k < parts; k++) {
            long from = Math.min(n, k * chunk);
            long to = Math.min(n, from + chunk);
            tasks[k] = () -> body.run(from, to);
        }
        WorkerThreads.runAll(tasks);
    }

    // ---------------------------------------------------------------- SGD

    /**
     * {@code g = grad + wd p; buf = first ? g : momentum buf + (1 - dampening) g; d = nesterov ? g + momentum buf : buf;
     * p = p + (-lr) d}; {@code buf} is null when momentum is 0. All tensors contiguous, of p's dtype.
     */
    static void sgd(Tensor p, Tensor grad, Tensor buf, SgdStep c, boolean simd) {
        MemorySegment ps = p.storage().segment();
        MemorySegment gs = grad.storage().segment();
        MemorySegment bs = buf == null ? null : buf.storage().segment();
        long po = p.offset();
        long go = grad.offset();
        long bo = buf == null ? 0 : buf.offset();
        boolean f32 = p.dtype() == DType.FLOAT32;
        split(p.numel(), (from, to) -> {
            long i = from;
            if (simd) {
                i = f32 ? SimdLoops.sgdFloat(ps, po, gs, go, bs, bo, from, to, c) : SimdLoops.sgdDouble(ps, po, gs, go, bs, bo, from, to, c);
            }
            if (f32) {
                sgdFloatScalar(ps, po, gs, go, bs, bo, i, to, c);
            } else {
                sgdDoubleScalar(ps, po, gs, go, bs, bo, i, to, c);
            }
        });
        p.storage().bumpVersion();
        if (buf != null) {
            buf.storage().bumpVersion();
        }
    }

    private static void sgdFloatScalar(MemorySegment ps, long po, MemorySegment gs, long go, MemorySegment bs, long bo,
                                       long from, long to, SgdStep c) {
        float wd = (float) c.weightDecay();
        float mom = (float) c.momentum();
        float damp = (float) (1 - c.dampening());
        float negLr = (float) -c.lr();
        for (long i = from; i < to; i++) {
            float p = ps.getAtIndex(F32, po + i);
            float g = gs.getAtIndex(F32, go + i);
            if (c.weightDecay() != 0) {
                g = g + p * wd;
            }
            float d = g;
            if (bs != null) {
                float b = c.firstStep() ? g : bs.getAtIndex(F32, bo + i) * mom + g * damp;
                bs.setAtIndex(F32, bo + i, b);
                d = c.nesterov() ? g + b * mom : b;
            }
            ps.setAtIndex(F32, po + i, p + d * negLr);
        }
    }

    private static void sgdDoubleScalar(MemorySegment ps, long po, MemorySegment gs, long go, MemorySegment bs, long bo,
                                        long from, long to, SgdStep c) {
        double wd = c.weightDecay();
        double mom = c.momentum();
        double damp = 1 - c.dampening();
        double negLr = -c.lr();
        for (long i = from; i < to; i++) {
            double p = ps.getAtIndex(F64, po + i);
            double g = gs.getAtIndex(F64, go + i);
            if (wd != 0) {
                g = g + p * wd;
            }
            double d = g;
            if (bs != null) {
                double b = c.firstStep() ? g : bs.getAtIndex(F64, bo + i) * mom + g * damp;
                bs.setAtIndex(F64, bo + i, b);
                d = c.nesterov() ? g + b * mom : b;
            }
            ps.setAtIndex(F64, po + i, p + d * negLr);
        }
    }

    // ---------------------------------------------------------------- Adam / AdamW

    /**
     * {@code p = decoupled ? p decay : p; g = decoupled ? grad : grad + wd p; m = m + (1 - b1)(g - m);
     * v = v b2 + (g g)(1 - b2); vmax = max(vmax, v); p = p + (m (-stepSize)) / (sqrt(amsgrad ? vmax : v) / bc2Sqrt + eps)}.
     * {@code vmax} is null without AMSGrad. All tensors contiguous, of p's dtype.
     */
    static void adam(Tensor p, Tensor grad, Tensor m, Tensor v, Tensor vmax, AdamStep c, boolean simd) {
        MemorySegment ps = p.storage().segment();
        MemorySegment gs = grad.storage().segment();
        MemorySegment ms = m.storage().segment();
        MemorySegment vs = v.storage().segment();
        MemorySegment xs = vmax == null ? null : vmax.storage().segment();
        long[] o = {p.offset(), grad.offset(), m.offset(), v.offset(), vmax == null ? 0 : vmax.offset()};
        boolean f32 = p.dtype() == DType.FLOAT32;
        split(p.numel(), (from, to) -> {
            long i = from;
            if (simd) {
                i = f32 ? SimdLoops.adamFloat(ps, gs, ms, vs, xs, o, from, to, c) : SimdLoops.adamDouble(ps, gs, ms, vs, xs, o, from, to, c);
            }
            if (f32) {
                adamFloatScalar(ps, gs, ms, vs, xs, o, i, to, c);
            } else {
                adamDoubleScalar(ps, gs, ms, vs, xs, o, i, to, c);
            }
        });
        p.storage().bumpVersion();
        m.storage().bumpVersion();
        v.storage().bumpVersion();
        if (vmax != null) {
            vmax.storage().bumpVersion();
        }
    }

    private static void adamFloatScalar(MemorySegment ps, MemorySegment gs, MemorySegment ms, MemorySegment vs, MemorySegment xs,
                                        long[] o, long from, long to, AdamStep c) {
        float b1c = (float) (1 - c.beta1());
        float b2 = (float) c.beta2();
        float b2c = (float) (1 - c.beta2());
        float eps = (float) c.eps();
        float wd = (float) c.weightDecay();
        float decay = (float) c.decay();
        float negStep = (float) -c.stepSize();
        float bc2 = (float) c.bc2Sqrt();
        boolean coupled = !c.decoupled() && c.weightDecay() != 0;
        for (long i = from; i < to; i++) {
            float p = ps.getAtIndex(F32, o[0] + i);
            float g = gs.getAtIndex(F32, o[1] + i);
            if (c.decoupled()) {
                p = p * decay;
            } else if (coupled) {
                g = g + p * wd;
            }
            float m = ms.getAtIndex(F32, o[2] + i);
            m = m + (g - m) * b1c;
            ms.setAtIndex(F32, o[2] + i, m);
            float v = vs.getAtIndex(F32, o[3] + i) * b2 + (g * g) * b2c;
            vs.setAtIndex(F32, o[3] + i, v);
            if (xs != null) {
                v = Math.max(xs.getAtIndex(F32, o[4] + i), v);
                xs.setAtIndex(F32, o[4] + i, v);
            }
            float denom = (float) Math.sqrt(v) / bc2 + eps;
            ps.setAtIndex(F32, o[0] + i, p + (m * negStep) / denom);
        }
    }

    private static void adamDoubleScalar(MemorySegment ps, MemorySegment gs, MemorySegment ms, MemorySegment vs, MemorySegment xs,
                                         long[] o, long from, long to, AdamStep c) {
        double b1c = 1 - c.beta1();
        double b2 = c.beta2();
        double b2c = 1 - c.beta2();
        double eps = c.eps();
        double wd = c.weightDecay();
        double decay = c.decay();
        double negStep = -c.stepSize();
        double bc2 = c.bc2Sqrt();
        boolean coupled = !c.decoupled() && c.weightDecay() != 0;
        for (long i = from; i < to; i++) {
            double p = ps.getAtIndex(F64, o[0] + i);
            double g = gs.getAtIndex(F64, o[1] + i);
            if (c.decoupled()) {
                p = p * decay;
            } else if (coupled) {
                g = g + p * wd;
            }
            double m = ms.getAtIndex(F64, o[2] + i);
            m = m + (g - m) * b1c;
            ms.setAtIndex(F64, o[2] + i, m);
            double v = vs.getAtIndex(F64, o[3] + i) * b2 + (g * g) * b2c;
            vs.setAtIndex(F64, o[3] + i, v);
            if (xs != null) {
                v = Math.max(xs.getAtIndex(F64, o[4] + i), v);
                xs.setAtIndex(F64, o[4] + i, v);
            }
            double denom = Math.sqrt(v) / bc2 + eps;
            ps.setAtIndex(F64, o[0] + i, p + (m * negStep) / denom);
        }
    }

    /**
     * The SIMD loops, in their own class so that the Vector API classes load only when SIMD is enabled.
     * Each returns the first index it did not process (the caller finishes the tail in scalar code).
     */
    private static final class SimdLoops {
        private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
        private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;

        private SimdLoops() {
        }

        static long sgdFloat(MemorySegment ps, long po, MemorySegment gs, long go, MemorySegment bs, long bo,
                             long from, long to, SgdStep c) {
            int lanes = F.length();
            long upper = from + ((to - from) / lanes) * lanes;
            FloatVector wd = FloatVector.broadcast(F, (float) c.weightDecay());
            FloatVector mom = FloatVector.broadcast(F, (float) c.momentum());
            FloatVector damp = FloatVector.broadcast(F, (float) (1 - c.dampening()));
            FloatVector negLr = FloatVector.broadcast(F, (float) -c.lr());
            boolean decay = c.weightDecay() != 0;
            long i = from;
            for (; i < upper; i += lanes) {
                FloatVector p = FloatVector.fromMemorySegment(F, ps, (po + i) * 4, ORDER);
                FloatVector g = FloatVector.fromMemorySegment(F, gs, (go + i) * 4, ORDER);
                if (decay) {
                    g = g.add(p.mul(wd));
                }
                FloatVector d = g;
                if (bs != null) {
                    FloatVector b = c.firstStep() ? g
                            : FloatVector.fromMemorySegment(F, bs, (bo + i) * 4, ORDER).mul(mom).add(g.mul(damp));
                    b.intoMemorySegment(bs, (bo + i) * 4, ORDER);
                    d = c.nesterov() ? g.add(b.mul(mom)) : b;
                }
                p.add(d.mul(negLr)).intoMemorySegment(ps, (po + i) * 4, ORDER);
            }
            return i;
        }

        static long sgdDouble(MemorySegment ps, long po, MemorySegment gs, long go, MemorySegment bs, long bo,
                              long from, long to, SgdStep c) {
            int lanes = D.length();
            long upper = from + ((to - from) / lanes) * lanes;
            DoubleVector wd = DoubleVector.broadcast(D, c.weightDecay());
            DoubleVector mom = DoubleVector.broadcast(D, c.momentum());
            DoubleVector damp = DoubleVector.broadcast(D, 1 - c.dampening());
            DoubleVector negLr = DoubleVector.broadcast(D, -c.lr());
            boolean decay = c.weightDecay() != 0;
            long i = from;
            for (; i < upper; i += lanes) {
                DoubleVector p = DoubleVector.fromMemorySegment(D, ps, (po + i) * 8, ORDER);
                DoubleVector g = DoubleVector.fromMemorySegment(D, gs, (go + i) * 8, ORDER);
                if (decay) {
                    g = g.add(p.mul(wd));
                }
                DoubleVector d = g;
                if (bs != null) {
                    DoubleVector b = c.firstStep() ? g
                            : DoubleVector.fromMemorySegment(D, bs, (bo + i) * 8, ORDER).mul(mom).add(g.mul(damp));
                    b.intoMemorySegment(bs, (bo + i) * 8, ORDER);
                    d = c.nesterov() ? g.add(b.mul(mom)) : b;
                }
                p.add(d.mul(negLr)).intoMemorySegment(ps, (po + i) * 8, ORDER);
            }
            return i;
        }

        static long adamFloat(MemorySegment ps, MemorySegment gs, MemorySegment ms, MemorySegment vs, MemorySegment xs,
                              long[] o, long from, long to, AdamStep c) {
            int lanes = F.length();
            long upper = from + ((to - from) / lanes) * lanes;
            FloatVector b1c = FloatVector.broadcast(F, (float) (1 - c.beta1()));
            FloatVector b2 = FloatVector.broadcast(F, (float) c.beta2());
            FloatVector b2c = FloatVector.broadcast(F, (float) (1 - c.beta2()));
            FloatVector eps = FloatVector.broadcast(F, (float) c.eps());
            FloatVector wd = FloatVector.broadcast(F, (float) c.weightDecay());
            FloatVector decay = FloatVector.broadcast(F, (float) c.decay());
            FloatVector negStep = FloatVector.broadcast(F, (float) -c.stepSize());
            FloatVector bc2 = FloatVector.broadcast(F, (float) c.bc2Sqrt());
            boolean decoupled = c.decoupled();
            boolean coupled = !decoupled && c.weightDecay() != 0;
            long po = o[0] * 4;
            long go = o[1] * 4;
            long mo = o[2] * 4;
            long vo = o[3] * 4;
            long xo = o[4] * 4;
            long i = from;
            for (; i < upper; i += lanes) {
                long b = i * 4;
                FloatVector p = FloatVector.fromMemorySegment(F, ps, po + b, ORDER);
                FloatVector g = FloatVector.fromMemorySegment(F, gs, go + b, ORDER);
                if (decoupled) {
                    p = p.mul(decay);
                } else if (coupled) {
                    g = g.add(p.mul(wd));
                }
                FloatVector m = FloatVector.fromMemorySegment(F, ms, mo + b, ORDER);
                m = m.add(g.sub(m).mul(b1c));
                m.intoMemorySegment(ms, mo + b, ORDER);
                FloatVector v = FloatVector.fromMemorySegment(F, vs, vo + b, ORDER).mul(b2).add(g.mul(g).mul(b2c));
                v.intoMemorySegment(vs, vo + b, ORDER);
                if (xs != null) {
                    v = FloatVector.fromMemorySegment(F, xs, xo + b, ORDER).max(v);
                    v.intoMemorySegment(xs, xo + b, ORDER);
                }
                FloatVector denom = v.sqrt().div(bc2).add(eps);
                p.add(m.mul(negStep).div(denom)).intoMemorySegment(ps, po + b, ORDER);
            }
            return i;
        }

        static long adamDouble(MemorySegment ps, MemorySegment gs, MemorySegment ms, MemorySegment vs, MemorySegment xs,
                               long[] o, long from, long to, AdamStep c) {
            int lanes = D.length();
            long upper = from + ((to - from) / lanes) * lanes;
            DoubleVector b1c = DoubleVector.broadcast(D, 1 - c.beta1());
            DoubleVector b2 = DoubleVector.broadcast(D, c.beta2());
            DoubleVector b2c = DoubleVector.broadcast(D, 1 - c.beta2());
            DoubleVector eps = DoubleVector.broadcast(D, c.eps());
            DoubleVector wd = DoubleVector.broadcast(D, c.weightDecay());
            DoubleVector decay = DoubleVector.broadcast(D, c.decay());
            DoubleVector negStep = DoubleVector.broadcast(D, -c.stepSize());
            DoubleVector bc2 = DoubleVector.broadcast(D, c.bc2Sqrt());
            boolean decoupled = c.decoupled();
            boolean coupled = !decoupled && c.weightDecay() != 0;
            long po = o[0] * 8;
            long go = o[1] * 8;
            long mo = o[2] * 8;
            long vo = o[3] * 8;
            long xo = o[4] * 8;
            long i = from;
            for (; i < upper; i += lanes) {
                long b = i * 8;
                DoubleVector p = DoubleVector.fromMemorySegment(D, ps, po + b, ORDER);
                DoubleVector g = DoubleVector.fromMemorySegment(D, gs, go + b, ORDER);
                if (decoupled) {
                    p = p.mul(decay);
                } else if (coupled) {
                    g = g.add(p.mul(wd));
                }
                DoubleVector m = DoubleVector.fromMemorySegment(D, ms, mo + b, ORDER);
                m = m.add(g.sub(m).mul(b1c));
                m.intoMemorySegment(ms, mo + b, ORDER);
                DoubleVector v = DoubleVector.fromMemorySegment(D, vs, vo + b, ORDER).mul(b2).add(g.mul(g).mul(b2c));
                v.intoMemorySegment(vs, vo + b, ORDER);
                if (xs != null) {
                    v = DoubleVector.fromMemorySegment(D, xs, xo + b, ORDER).max(v);
                    v.intoMemorySegment(xs, xo + b, ORDER);
                }
                DoubleVector denom = v.sqrt().div(bc2).add(eps);
                p.add(m.mul(negStep).div(denom)).intoMemorySegment(ps, po + b, ORDER);
            }
            return i;
        }
    }
}
