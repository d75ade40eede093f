package dev.jacobi.algorithms.ep;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Scope;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;
import dev.jacobi.tensor.autograd.GradMode;
import dev.jacobi.tensor.cpu.GemmConfig;
import dev.jacobi.tensor.cpu.Sgemm;
import dev.jacobi.tensor.cpu.Simd;
import dev.jacobi.tensor.cpu.StridedMatrix;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The relaxation of a fully connected float32 {@link EpNetwork} on separate real and imaginary planes:
 * per step, the synaptic inputs of all layers by real SGEMMs on each plane (weights are real, so a
 * complex product is two real ones), then one fused pass {@code s = sigma(p + beta e)} in complex
 * arithmetic ({@link PlaneKernels}, on the Vector API when {@link Simd#enabled()}). A real nudge on a
 * real start skips the imaginary plane. {@link EpNetwork#tensorRelaxer()} is the reference it is
 * tested against.
 */
public final class PlaneRelaxer implements Relaxer {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;

    private final EpNetwork net;
    private final boolean simd;

    private PlaneRelaxer(EpNetwork net, boolean simd) {
        this.net = net;
        this.simd = simd;
    }

    /** The relaxer of {@code net}, on the Vector API when it is available. */
    public static PlaneRelaxer of(EpNetwork net) {
        return of(net, true);
    }

    /**
     * The relaxer of {@code net}; {@code simd = false} forces the scalar loops.
     *
     * @throws IllegalArgumentException when the network has a convolution or is not float32
     */
    public static PlaneRelaxer of(EpNetwork net, boolean simd) {
        if (!net.isDense() || net.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException("PlaneRelaxer: needs a fully connected float32 network, got "
                    + (net.isDense() ? "dense" : "convolutional") + " " + net.dtype());
        }
        return new PlaneRelaxer(net, simd && Simd.enabled());
    }

    /** Whether the Vector API loops run. */
    public boolean simd() {
        return simd;
    }

    @Override
    public Planes relax(Planes start, Tensor x, Tensor labels, Complex beta, int steps, StepObserver observer) {
        if (steps < 0) {
            throw new IllegalArgumentException("PlaneRelaxer.relax: negative step count " + steps);
        }
        int batch = x.size(0);
        int n = net.stateSize();
        if (start.re().rank() != 2 || start.re().size(0) != batch || start.re().size(1) != n) {
            throw new IllegalArgumentException("PlaneRelaxer.relax: start of shape " + java.util.Arrays.toString(start.re().shape())
                    + " does not fit a batch of " + batch + " and " + n + " units");
        }
        boolean complex = !beta.isReal() || !start.isReal();
        boolean nudged = beta.re() != 0 || beta.im() != 0;
        try (GradMode g = Autograd.noGrad()) {
            Tensor sRe = fresh(start.re(), batch, n);
            Tensor sIm = complex ? (start.im() == null ? Tensor.zeros(DType.FLOAT32, batch, n) : fresh(start.im(), batch, n)) : null;
            try (Scope scope = Scope.open()) {
                Work w = new Work(x, labels, batch, complex, nudged);
                for (int t = 0; t < steps; t++) {
                    step(w, sRe, sIm, beta);
                    if (observer != null) {
                        observer.afterStep(new Planes(sRe, sIm), beta);
                    }
                }
            }
            return new Planes(sRe, sIm);
        }
    }

    private static Tensor fresh(Tensor t, int batch, int n) {
        Tensor out = Tensor.zeros(DType.FLOAT32, batch, n);
        out.copyFrom(t);
        return out;
    }

    /** The buffers of one relaxation. */
    private final class Work {
        final int batch;
        final Tensor pRe;
        final Tensor pIm;
        final Tensor inputTerm;
        final Tensor y;
        final Tensor eRe;
        final Tensor eIm;
        final Tensor zRe;
        final Tensor zIm;

        Work(Tensor x, Tensor labels, int batch, boolean complex, boolean nudged) {
            this.batch = batch;
            int n = net.stateSize();
            pRe = Tensor.uninitialized(DType.FLOAT32, batch, n);
            pIm = complex ? Tensor.uninitialized(DType.FLOAT32, batch, n) : null;
            inputTerm = net.connection(1).forward(net.flatInput(x), net.weight(1), net.bias(1)).contiguous();
            int top = net.layerSize(net.layerCount());
            y = nudged ? net.oneHot(labels) : null;
            eRe = nudged ? Tensor.uninitialized(DType.FLOAT32, batch, top) : null;
            eIm = nudged && complex ? Tensor.uninitialized(DType.FLOAT32, batch, top) : null;
            boolean readout = nudged && net.loss() == EpLoss.SOFTMAX_READOUT;
            zRe = readout ? Tensor.uninitialized(DType.FLOAT32, batch, net.classes()) : null;
            zIm = readout && complex ? Tensor.uninitialized(DType.FLOAT32, batch, net.classes()) : null;
        }
    }

    private void step(Work w, Tensor sRe, Tensor sIm, Complex beta) {
        int layers = net.layerCount();
        int n = net.stateSize();
        for (int l = 1; l <= layers; l++) {
            synapticInput(w, l, sRe, w.pRe, true);
            if (sIm != null) {
                synapticInput(w, l, sIm, w.pIm, false);
            }
        }
        if (w.eRe != null) {
            nudgeDirection(w, sRe, sIm);
        }
        int top = net.layerOffset(layers);
        int topSize = net.layerSize(layers);
        MemorySegment pr = w.pRe.storage().segment();
        MemorySegment sr = sRe.storage().segment();
        MemorySegment er = w.eRe == null ? null : w.eRe.storage().segment();
        float br = (float) beta.re();
        float bi = (float) beta.im();
        if (sIm == null) {
            for (int b = 0; b < w.batch; b++) {
                long row = (long) b * n;
                PlaneKernels.realUpdate(net.activation(), pr, null, 0, 0, sr, row, top, simd);
                PlaneKernels.realUpdate(net.activation(), pr, er, (long) b * topSize, br, sr, row + top, topSize, simd);
            }
        } else {
            MemorySegment pi = w.pIm.storage().segment();
            MemorySegment si = sIm.storage().segment();
            MemorySegment ei = w.eIm == null ? null : w.eIm.storage().segment();
            for (int b = 0; b < w.batch; b++) {
                long row = (long) b * n;
                PlaneKernels.complexUpdate(net.activation(), pr, pi, null, null, 0, 0, 0, sr, si, row, top, simd);
                PlaneKernels.complexUpdate(net.activation(), pr, pi, er, ei, (long) b * topSize, br, bi, sr, si, row + top, topSize, simd);
            }
            sIm.storage().bumpVersion();
        }
        sRe.storage().bumpVersion();
    }

    /**
     * Writes layer l's synaptic input from one plane into {@code p}: the input term (real plane of layer 1),
     * or the bias (real plane) and {@code s_{l-1} W^T}, plus the feedback {@code s_{l+1} B}.
     */
    private void synapticInput(Work w, int l, Tensor s, Tensor p, boolean realPlane) {
        int layers = net.layerCount();
        int n = net.stateSize();
        int off = net.layerOffset(l);
        int size = net.layerSize(l);
        MemorySegment ps = p.storage().segment();
        StridedMatrix target = new StridedMatrix(ps, off, w.batch, size, n, 1);
        float beta = 1;
        if (l == 1) {
            if (realPlane) {
                MemorySegment in = w.inputTerm.storage().segment();
                for (int b = 0; b < w.batch; b++) {
                    MemorySegment.copy(in, (long) b * size * 4, ps, ((long) b * n + off) * 4, (long) size * 4);
                }
            } else {
                beta = 0; // the input is real: layer 1's imaginary input is feedback only
            }
        } else {
            if (realPlane) {
                MemorySegment bias = net.bias(l).storage().segment();
                long biasOff = net.bias(l).offset() * 4;
                for (int b = 0; b < w.batch; b++) {
                    MemorySegment.copy(bias, biasOff, ps, ((long) b * n + off) * 4, (long) size * 4);
                }
            } else {
                beta = 0;
            }
            Tensor weight = net.weight(l);
            StridedMatrix below = new StridedMatrix(s.storage().segment(), net.layerOffset(l - 1), w.batch, net.layerSize(l - 1), n, 1);
            StridedMatrix wt = StridedMatrix.rowMajor(weight.storage().segment(), weight.offset(), size, net.layerSize(l - 1)).transpose();
            Sgemm.gemm(1, below, wt, beta, target, GemmConfig.allCores());
            beta = 1;
        }
        if (l < layers) {
            Tensor fb = net.feedback(l + 1);
            StridedMatrix above = new StridedMatrix(s.storage().segment(), net.layerOffset(l + 1), w.batch, net.layerSize(l + 1), n, 1);
            StridedMatrix b = StridedMatrix.rowMajor(fb.storage().segment(), fb.offset(), net.layerSize(l + 1), size);
            Sgemm.gemm(1, above, b, beta, target, GemmConfig.allCores());
        } else if (beta == 0) {
            for (int b = 0; b < w.batch; b++) {
                ps.asSlice(((long) b * n + off) * 4, (long) size * 4).fill((byte) 0);
            }
        }
    }

    /** {@code e = dl/ds_out} of the current top rates into {@code w.eRe}, {@code w.eIm}. */
    private void nudgeDirection(Work w, Tensor sRe, Tensor sIm) {
        int layers = net.layerCount();
        int n = net.stateSize();
        int off = net.layerOffset(layers);
        int top = net.layerSize(layers);
        int classes = net.classes();
        MemorySegment sr = sRe.storage().segment();
        MemorySegment si = sIm == null ? null : sIm.storage().segment();
        MemorySegment y = w.y.storage().segment();
        MemorySegment er = w.eRe.storage().segment();
        MemorySegment ei = w.eIm == null ? null : w.eIm.storage().segment();
        if (net.loss() == EpLoss.MSE) {
            for (int b = 0; b < w.batch; b++) {
                for (int j = 0; j < top; j++) {
                    long k = (long) b * n + off + j;
                    er.setAtIndex(F32, (long) b * top + j, sr.getAtIndex(F32, k) - y.getAtIndex(F32, (long) b * classes + j));
                    if (ei != null) {
                        ei.setAtIndex(F32, (long) b * top + j, si.getAtIndex(F32, k));
                    }
                }
            }
            return;
        }
        // Softmax readout: z = s R^T + c, e = (softmax(z) - y) R, softmax in complex arithmetic.
        Tensor r = net.readoutWeight();
        MemorySegment rs = r.storage().segment();
        StridedMatrix rt = StridedMatrix.rowMajor(rs, r.offset(), classes, top).transpose();
        StridedMatrix rm = StridedMatrix.rowMajor(rs, r.offset(), classes, top);
        MemorySegment zr = w.zRe.storage().segment();
        MemorySegment c = net.readoutBias().storage().segment();
        long cOff = net.readoutBias().offset();
        Sgemm.gemm(1, new StridedMatrix(sr, off, w.batch, top, n, 1), rt, 0, StridedMatrix.rowMajor(zr, 0, w.batch, classes), GemmConfig.allCores());
        MemorySegment zi = null;
        if (si != null) {
            zi = w.zIm.storage().segment();
            Sgemm.gemm(1, new StridedMatrix(si, off, w.batch, top, n, 1), rt, 0, StridedMatrix.rowMajor(zi, 0, w.batch, classes), GemmConfig.allCores());
        }
        for (int b = 0; b < w.batch; b++) {
            long row = (long) b * classes;
            double shift = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < classes; j++) {
                shift = Math.max(shift, zr.getAtIndex(F32, row + j) + c.getAtIndex(F32, cOff + j));
            }
            double sumRe = 0;
            double sumIm = 0;
            double[] exRe = new double[classes];
            double[] exIm = new double[classes];
            for (int j = 0; j < classes; j++) {
                double m = Math.exp(zr.getAtIndex(F32, row + j) + c.getAtIndex(F32, cOff + j) - shift);
                double phase = zi == null ? 0 : zi.getAtIndex(F32, row + j);
                exRe[j] = m * Math.cos(phase);
                exIm[j] = m * Math.sin(phase);
                sumRe += exRe[j];
                sumIm += exIm[j];
            }
            double norm = sumRe * sumRe + sumIm * sumIm;
            for (int j = 0; j < classes; j++) {
                double pr = (exRe[j] * sumRe + exIm[j] * sumIm) / norm;
                double pi = (exIm[j] * sumRe - exRe[j] * sumIm) / norm;
                zr.setAtIndex(F32, row + j, (float) (pr - y.getAtIndex(F32, row + j)));
                if (zi != null) {
                    zi.setAtIndex(F32, row + j, (float) pi);
                }
            }
        }
        Sgemm.gemm(1, StridedMatrix.rowMajor(zr, 0, w.batch, classes), rm, 0, StridedMatrix.rowMajor(er, 0, w.batch, top), GemmConfig.allCores());
        if (zi != null) {
            Sgemm.gemm(1, StridedMatrix.rowMajor(zi, 0, w.batch, classes), rm, 0, StridedMatrix.rowMajor(ei, 0, w.batch, top), GemmConfig.allCores());
        }
    }
}
