package dev.jacobi.algorithms.ep;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * The Vector API loops of {@link PlaneKernels} (loaded only when {@code Simd.enabled()}): the same
 * formulas on whole lanes of the re and im planes. Each returns how many leading elements it did; the
 * scalar loop finishes the tail.
 */
final class PlaneVectorKernels {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private PlaneVectorKernels() {
    }

    static int complexUpdate(Activation act, MemorySegment pRe, MemorySegment pIm, MemorySegment eRe, MemorySegment eIm,
                             long eFrom, float betaRe, float betaIm, MemorySegment sRe, MemorySegment sIm,
                             long from, int count) {
        int lanes = F.length();
        int bound = count - count % lanes;
        boolean nudged = eRe != null;
        for (int i = 0; i < bound; i += lanes) {
            long at = (from + i) * 4;
            FloatVector ur = FloatVector.fromMemorySegment(F, pRe, at, ORDER);
            FloatVector ui = FloatVector.fromMemorySegment(F, pIm, at, ORDER);
            if (nudged) {
                long eAt = (eFrom + i) * 4;
                FloatVector er = FloatVector.fromMemorySegment(F, eRe, eAt, ORDER);
                FloatVector ei = FloatVector.fromMemorySegment(F, eIm, eAt, ORDER);
                ur = er.mul(betaRe).add(ur).sub(ei.mul(betaIm));
                ui = ei.mul(betaRe).add(ui).add(er.mul(betaIm));
            }
            switch (act) {
                case SIGMOID -> {
                    FloatVector tr = ur.fma(-4f, 2f);
                    FloatVector ti = ui.mul(-4f);
                    FloatVector[] s = logistic(tr, ti);
                    s[0].intoMemorySegment(sRe, at, ORDER);
                    s[1].intoMemorySegment(sIm, at, ORDER);
                }
                case HARD_SIGMOID -> {
                    FloatVector nui = ui.neg();
                    FloatVector[] a = logistic(ur.neg(), nui);
                    FloatVector[] b = logistic(ur.neg().add(2f), nui);
                    FloatVector hr = ur.mul(0.5f);
                    FloatVector hi = ui.mul(0.5f);
                    FloatVector oneMinusHr = hr.neg().add(1f);
                    FloatVector re = hr.mul(a[0]).sub(hi.mul(a[1])).add(oneMinusHr.mul(b[0])).add(hi.mul(b[1]));
                    FloatVector im = hr.mul(a[1]).add(hi.mul(a[0])).add(oneMinusHr.mul(b[1])).sub(hi.mul(b[0]));
                    re.intoMemorySegment(sRe, at, ORDER);
                    im.intoMemorySegment(sIm, at, ORDER);
                }
                case IDENTITY -> {
                    ur.intoMemorySegment(sRe, at, ORDER);
                    ui.intoMemorySegment(sIm, at, ORDER);
                }
            }
        }
        return bound;
    }

    static int realUpdate(Activation act, MemorySegment p, MemorySegment e, long eFrom, float beta, MemorySegment s,
                          long from, int count) {
        int lanes = F.length();
        int bound = count - count % lanes;
        for (int i = 0; i < bound; i += lanes) {
            long at = (from + i) * 4;
            FloatVector u = FloatVector.fromMemorySegment(F, p, at, ORDER);
            if (e != null) {
                u = FloatVector.fromMemorySegment(F, e, (eFrom + i) * 4, ORDER).mul(beta).add(u);
            }
            FloatVector out = switch (act) {
                case SIGMOID -> logistic(u.fma(-4f, 2f));
                case HARD_SIGMOID -> u.mul(0.5f).mul(logistic(u.neg()))
                        .add(u.mul(-0.5f).add(1f).mul(logistic(u.neg().add(2f))));
                case IDENTITY -> u;
            };
            out.intoMemorySegment(s, at, ORDER);
        }
        return bound;
    }

    /** {@code 1 / (1 + e^{tr + i ti})} on lanes, as {@link PlaneKernels}. */
    private static FloatVector[] logistic(FloatVector tr, FloatVector ti) {
        FloatVector m = tr.min(PlaneKernels.EXP_CLAMP).lanewise(VectorOperators.EXP);
        FloatVector dr = m.mul(ti.lanewise(VectorOperators.COS)).add(1f);
        FloatVector di = m.mul(ti.lanewise(VectorOperators.SIN));
        FloatVector inv = FloatVector.broadcast(F, 1f).div(dr.mul(dr).add(di.mul(di)));
        return new FloatVector[] {dr.mul(inv), di.mul(inv).neg()};
    }

    private static FloatVector logistic(FloatVector t) {
        return FloatVector.broadcast(F, 1f).div(t.min(PlaneKernels.EXP_CLAMP).lanewise(VectorOperators.EXP).add(1f));
    }
}
