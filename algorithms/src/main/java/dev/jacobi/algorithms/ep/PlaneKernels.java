package dev.jacobi.algorithms.ep;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The fused elementwise update of the relaxation on float32 re/im planes: {@code u = p + beta e},
 * {@code s = sigma(u)}, in complex arithmetic (or real, when nothing is complex), for one contiguous run
 * of elements. The scalar loops here are the reference; {@link PlaneVectorKernels} runs the same
 * formulas on the Vector API when {@code simd} is set.
 *
 * <p>The complex logistic {@code 1 / (1 + e^t)} clamps {@code Re t} at {@link #EXP_CLAMP}: beyond it the
 * value is below {@code e^-40} (4e-18) in modulus, and the clamp keeps {@code |1 + e^t|^2} finite in
 * float32 (it would overflow at {@code Re t} about 44 and turn the quotient into NaN).
 */
final class PlaneKernels {
    static final float EXP_CLAMP = 40f;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;

    private PlaneKernels() {
    }

    /**
     * Complex update over elements {@code [from, from + count)} of each plane (element indices):
     * {@code s = sigma(p + beta e)}; {@code eRe}/{@code eIm} null means no nudge. {@code e} is indexed from
     * {@code eFrom}.
     */
    static void complexUpdate(Activation act, MemorySegment pRe, MemorySegment pIm, MemorySegment eRe, MemorySegment eIm,
                              long eFrom, float betaRe, float betaIm, MemorySegment sRe, MemorySegment sIm,
                              long from, int count, boolean simd) {
        int done = simd ? PlaneVectorKernels.complexUpdate(act, pRe, pIm, eRe, eIm, eFrom, betaRe, betaIm, sRe, sIm, from, count) : 0;
        float[] out = new float[2];
        for (int i = done; i < count; i++) {
            long k = from + i;
            float ur = pRe.getAtIndex(F32, k);
            float ui = pIm.getAtIndex(F32, k);
            if (eRe != null) {
                float er = eRe.getAtIndex(F32, eFrom + i);
                float ei = eIm.getAtIndex(F32, eFrom + i);
                ur += betaRe * er - betaIm * ei;
                ui += betaRe * ei + betaIm * er;
            }
            activate(act, ur, ui, out);
            sRe.setAtIndex(F32, k, out[0]);
            sIm.setAtIndex(F32, k, out[1]);
        }
    }

    /** Real update: {@code s = sigma(p + beta e)}; {@code e} null means no nudge. */
    static void realUpdate(Activation act, MemorySegment p, MemorySegment e, long eFrom, float beta, MemorySegment s,
                           long from, int count, boolean simd) {
        int done = simd ? PlaneVectorKernels.realUpdate(act, p, e, eFrom, beta, s, from, count) : 0;
        for (int i = done; i < count; i++) {
            long k = from + i;
            float u = p.getAtIndex(F32, k);
            if (e != null) {
                u += beta * e.getAtIndex(F32, eFrom + i);
            }
            s.setAtIndex(F32, k, activate(act, u));
        }
    }

    /** sigma(ur + i ui) into out[0], out[1]. */
    static void activate(Activation act, float ur, float ui, float[] out) {
        switch (act) {
            case SIGMOID -> logistic(2 - 4 * ur, -4 * ui, out);
            case HARD_SIGMOID -> {
                logistic(-ur, -ui, out);
                float ar = out[0];
                float ai = out[1];
                logistic(2 - ur, -ui, out);
                float br = out[0];
                float bi = out[1];
                float hr = 0.5f * ur;
                float hi = 0.5f * ui;
                // h a + (1 - h) b with h = u / 2
                out[0] = hr * ar - hi * ai + (1 - hr) * br + hi * bi;
                out[1] = hr * ai + hi * ar + (1 - hr) * bi - hi * br;
            }
            case IDENTITY -> {
                out[0] = ur;
                out[1] = ui;
            }
        }
    }

    /** sigma(u) for real u. */
    static float activate(Activation act, float u) {
        return switch (act) {
            case SIGMOID -> logistic(2 - 4 * u);
            case HARD_SIGMOID -> 0.5f * u * logistic(-u) + (1 - 0.5f * u) * logistic(2 - u);
            case IDENTITY -> u;
        };
    }

    /** {@code 1 / (1 + e^{tr + i ti})}. */
    private static void logistic(float tr, float ti, float[] out) {
        float m = (float) Math.exp(Math.min(tr, EXP_CLAMP));
        float dr = 1 + m * (float) Math.cos(ti);
        float di = m * (float) Math.sin(ti);
        float inv = 1 / (dr * dr + di * di);
        out[0] = dr * inv;
        out[1] = -di * inv;
    }

    private static float logistic(float t) {
        return 1 / (1 + (float) Math.exp(Math.min(t, EXP_CLAMP)));
    }
}
