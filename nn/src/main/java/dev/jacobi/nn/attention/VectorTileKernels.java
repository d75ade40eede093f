package dev.jacobi.nn.attention;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link TileKernels} with the Vector API at the CPU's widest float species. A score tile is four
 * vectors wide (64 columns with AVX-512), so each kernel keeps one row of it in four registers. The
 * two products are register-blocked 4 rows x 4 vectors: 16 independent accumulator chains, more than
 * the 8 that hide the FMA latency (4 cycles on 2 pipes), and per step of the inner dimension 4 vector
 * loads plus 4 broadcasts feed 16 fused multiply-adds. Accumulators are locals, never arrays, so C2
 * keeps them in registers. Only loaded when {@link dev.jacobi.tensor.cpu.Simd#enabled()}.
 */
final class VectorTileKernels implements TileKernels {
    static final VectorTileKernels INSTANCE = new VectorTileKernels();
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /** Key block size: four vectors. */
    private static final int BC = 4 * L;
    private static final float[] IOTA = iota();

    private VectorTileKernels() {
    }

    private static float[] iota() {
        float[] a = new float[L];
        for (int i = 0; i < L; i++) {
            a[i] = i;
        }
        return a;
    }

    @Override
    public int blockColumns() {
        return BC;
    }

    @Override
    public int padWidth(int d) {
        return (d + L - 1) / L * L;
    }

    @Override
    public void scores(int rows, int inner, float[] a, int aOff, int lda, float[] bt, int btOff, float[] s) {
        for (int r = 0; r < rows; r += ROW_GROUP) {
            FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F), c02 = FloatVector.zero(F), c03 = FloatVector.zero(F);
            FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F), c12 = FloatVector.zero(F), c13 = FloatVector.zero(F);
            FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F), c22 = FloatVector.zero(F), c23 = FloatVector.zero(F);
            FloatVector c30 = FloatVector.zero(F), c31 = FloatVector.zero(F), c32 = FloatVector.zero(F), c33 = FloatVector.zero(F);
            int a0 = aOff + r * lda;
            int a1 = a0 + lda;
            int a2 = a1 + lda;
            int a3 = a2 + lda;
            for (int p = 0; p < inner; p++) {
                int bp = btOff + p * BC;
                FloatVector b0 = FloatVector.fromArray(F, bt, bp);
                FloatVector b1 = FloatVector.fromArray(F, bt, bp + L);
                FloatVector b2 = FloatVector.fromArray(F, bt, bp + 2 * L);
                FloatVector b3 = FloatVector.fromArray(F, bt, bp + 3 * L);
                FloatVector x = FloatVector.broadcast(F, a[a0 + p]);
                c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02); c03 = x.fma(b3, c03);
                x = FloatVector.broadcast(F, a[a1 + p]);
                c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12); c13 = x.fma(b3, c13);
                x = FloatVector.broadcast(F, a[a2 + p]);
                c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22); c23 = x.fma(b3, c23);
                x = FloatVector.broadcast(F, a[a3 + p]);
                c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32); c33 = x.fma(b3, c33);
            }
            int o = r * BC;
            c00.intoArray(s, o); c01.intoArray(s, o + L); c02.intoArray(s, o + 2 * L); c03.intoArray(s, o + 3 * L);
            o += BC;
            c10.intoArray(s, o); c11.intoArray(s, o + L); c12.intoArray(s, o + 2 * L); c13.intoArray(s, o + 3 * L);
            o += BC;
            c20.intoArray(s, o); c21.intoArray(s, o + L); c22.intoArray(s, o + 2 * L); c23.intoArray(s, o + 3 * L);
            o += BC;
            c30.intoArray(s, o); c31.intoArray(s, o + L); c32.intoArray(s, o + 2 * L); c33.intoArray(s, o + 3 * L);
        }
    }

    @Override
    public void accumulate(int rows, int width, int inner, float[] a, int aOff, int ars, int acs,
                           float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        for (int r = 0; r < rows; r += ROW_GROUP) {
            int ar0 = aOff + r * ars;
            int ar1 = ar0 + ars;
            int ar2 = ar1 + ars;
            int ar3 = ar2 + ars;
            int cr0 = cOff + r * ldc;
            int cr1 = cr0 + ldc;
            int cr2 = cr1 + ldc;
            int cr3 = cr2 + ldc;
            int v = 0;
            for (; v + 4 * L <= width; v += 4 * L) {
                FloatVector c00 = FloatVector.fromArray(F, c, cr0 + v), c01 = FloatVector.fromArray(F, c, cr0 + v + L);
                FloatVector c02 = FloatVector.fromArray(F, c, cr0 + v + 2 * L), c03 = FloatVector.fromArray(F, c, cr0 + v + 3 * L);
                FloatVector c10 = FloatVector.fromArray(F, c, cr1 + v), c11 = FloatVector.fromArray(F, c, cr1 + v + L);
                FloatVector c12 = FloatVector.fromArray(F, c, cr1 + v + 2 * L), c13 = FloatVector.fromArray(F, c, cr1 + v + 3 * L);
                FloatVector c20 = FloatVector.fromArray(F, c, cr2 + v), c21 = FloatVector.fromArray(F, c, cr2 + v + L);
                FloatVector c22 = FloatVector.fromArray(F, c, cr2 + v + 2 * L), c23 = FloatVector.fromArray(F, c, cr2 + v + 3 * L);
                FloatVector c30 = FloatVector.fromArray(F, c, cr3 + v), c31 = FloatVector.fromArray(F, c, cr3 + v + L);
                FloatVector c32 = FloatVector.fromArray(F, c, cr3 + v + 2 * L), c33 = FloatVector.fromArray(F, c, cr3 + v + 3 * L);
                for (int k = 0; k < inner; k++) {
                    int bk = bOff + k * ldb + v;
                    FloatVector b0 = FloatVector.fromArray(F, b, bk);
                    FloatVector b1 = FloatVector.fromArray(F, b, bk + L);
                    FloatVector b2 = FloatVector.fromArray(F, b, bk + 2 * L);
                    FloatVector b3 = FloatVector.fromArray(F, b, bk + 3 * L);
                    int ak = k * acs;
                    FloatVector x = FloatVector.broadcast(F, a[ar0 + ak]);
                    c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02); c03 = x.fma(b3, c03);
                    x = FloatVector.broadcast(F, a[ar1 + ak]);
                    c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12); c13 = x.fma(b3, c13);
                    x = FloatVector.broadcast(F, a[ar2 + ak]);
                    c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22); c23 = x.fma(b3, c23);
                    x = FloatVector.broadcast(F, a[ar3 + ak]);
                    c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32); c33 = x.fma(b3, c33);
                }
                c00.intoArray(c, cr0 + v); c01.intoArray(c, cr0 + v + L); c02.intoArray(c, cr0 + v + 2 * L); c03.intoArray(c, cr0 + v + 3 * L);
                c10.intoArray(c, cr1 + v); c11.intoArray(c, cr1 + v + L); c12.intoArray(c, cr1 + v + 2 * L); c13.intoArray(c, cr1 + v + 3 * L);
                c20.intoArray(c, cr2 + v); c21.intoArray(c, cr2 + v + L); c22.intoArray(c, cr2 + v + 2 * L); c23.intoArray(c, cr2 + v + 3 * L);
                c30.intoArray(c, cr3 + v); c31.intoArray(c, cr3 + v + L); c32.intoArray(c, cr3 + v + 2 * L); c33.intoArray(c, cr3 + v + 3 * L);
            }
            // Head dimensions that are not a multiple of four vectors (d = 8, 80): one vector at a time.
            for (; v < width; v += L) {
                FloatVector c0 = FloatVector.fromArray(F, c, cr0 + v);
                FloatVector c1 = FloatVector.fromArray(F, c, cr1 + v);
                FloatVector c2 = FloatVector.fromArray(F, c, cr2 + v);
                FloatVector c3 = FloatVector.fromArray(F, c, cr3 + v);
                for (int k = 0; k < inner; k++) {
                    FloatVector bv = FloatVector.fromArray(F, b, bOff + k * ldb + v);
                    int ak = k * acs;
                    c0 = FloatVector.broadcast(F, a[ar0 + ak]).fma(bv, c0);
                    c1 = FloatVector.broadcast(F, a[ar1 + ak]).fma(bv, c1);
                    c2 = FloatVector.broadcast(F, a[ar2 + ak]).fma(bv, c2);
                    c3 = FloatVector.broadcast(F, a[ar3 + ak]).fma(bv, c3);
                }
                c0.intoArray(c, cr0 + v);
                c1.intoArray(c, cr1 + v);
                c2.intoArray(c, cr2 + v);
                c3.intoArray(c, cr3 + v);
            }
        }
    }

    @Override
    public void addAlibi(float[] s, int rows, int rowPos0, int col0, float slope) {
        FloatVector iota = FloatVector.fromArray(F, IOTA, 0);
        for (int r = 0; r < rows; r++) {
            float base = col0 - (rowPos0 + r);
            int row = r * BC;
            for (int c = 0; c < BC; c += L) {
                FloatVector bias = iota.add(base + c).abs().mul(slope);
                FloatVector.fromArray(F, s, row + c).sub(bias).intoArray(s, row + c);
            }
        }
    }

    @Override
    public void onlineSoftmax(int rows, float[] s, float[] m, float[] l, float[] o, int width) {
        for (int r = 0; r < rows; r++) {
            int row = r * BC;
            FloatVector s0 = FloatVector.fromArray(F, s, row);
            FloatVector s1 = FloatVector.fromArray(F, s, row + L);
            FloatVector s2 = FloatVector.fromArray(F, s, row + 2 * L);
            FloatVector s3 = FloatVector.fromArray(F, s, row + 3 * L);
            float max = s0.max(s1).max(s2.max(s3)).reduceLanes(VectorOperators.MAX);
            float mNew = Math.max(m[r], max);
            if (mNew == Float.NEGATIVE_INFINITY) {
                java.util.Arrays.fill(s, row, row + BC, 0f);
                continue;
            }
            FloatVector p0 = s0.sub(mNew).lanewise(VectorOperators.EXP);
            FloatVector p1 = s1.sub(mNew).lanewise(VectorOperators.EXP);
            FloatVector p2 = s2.sub(mNew).lanewise(VectorOperators.EXP);
            FloatVector p3 = s3.sub(mNew).lanewise(VectorOperators.EXP);
            p0.intoArray(s, row);
            p1.intoArray(s, row + L);
            p2.intoArray(s, row + 2 * L);
            p3.intoArray(s, row + 3 * L);
            float sum = p0.add(p1).add(p2.add(p3)).reduceLanes(VectorOperators.ADD);
            float alpha = (float) Math.exp(m[r] - mNew);
            l[r] = l[r] * alpha + sum;
            m[r] = mNew;
            if (alpha != 1f) {
                for (int v = r * width; v < (r + 1) * width; v += L) {
                    FloatVector.fromArray(F, o, v).mul(alpha).intoArray(o, v);
                }
            }
        }
    }

    @Override
    public void probabilities(int rows, float[] s, float[] lse, int lOff) {
        for (int r = 0; r < rows; r++) {
            float lr = lse[lOff + r];
            for (int c = r * BC; c < (r + 1) * BC; c += L) {
                FloatVector.fromArray(F, s, c).sub(lr).lanewise(VectorOperators.EXP).intoArray(s, c);
            }
        }
    }

    @Override
    public void scoreGradients(int rows, float[] p, float[] dp, float[] delta, int dOff) {
        for (int r = 0; r < rows; r++) {
            float dr = delta[dOff + r];
            for (int c = r * BC; c < (r + 1) * BC; c += L) {
                FloatVector.fromArray(F, p, c).mul(FloatVector.fromArray(F, dp, c).sub(dr)).intoArray(dp, c);
            }
        }
    }
}
