package dev.jacobi.algorithms.wavelet;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector forms of {@link PacketKernels}' four passes (same arguments, same results up to float32
 * summation order). Loaded only when {@link dev.jacobi.tensor.cpu.Simd#enabled()}. Width passes run
 * the lanes over output positions of one row (unit-stride loads of the even/odd phases); height passes
 * run them over columns, combining whole input rows.
 */
final class PacketVectorKernels {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = F.length();

    private PacketVectorKernels() {
    }

    static void widthAnalysis(float[] x, int from, int to, int w, float[] frLo, float[] frHi, float[] tLo, float[] tHi) {
        int len = frLo.length;
        int half = len / 2;
        int w2 = w / 2;
        float[] e = new float[w2 + half];
        float[] o = new float[w2 + half];
        int bound = F.loopBound(w2);
        for (int row = from; row < to; row++) {
            PacketKernels.phases(x, row * w, w, half - 1, e, o);
            int out = row * w2;
            int k = 0;
            // Four output vectors at a time: each accumulator is a chain of 2·half dependent FMAs, so
            // one vector at a time waited on FMA latency; eight independent chains keep the units busy.
            for (; k + 4 * LANES <= w2; k += 4 * LANES) {
                FloatVector l0 = FloatVector.zero(F);
                FloatVector l1 = FloatVector.zero(F);
                FloatVector l2 = FloatVector.zero(F);
                FloatVector l3 = FloatVector.zero(F);
                FloatVector h0 = FloatVector.zero(F);
                FloatVector h1 = FloatVector.zero(F);
                FloatVector h2 = FloatVector.zero(F);
                FloatVector h3 = FloatVector.zero(F);
                for (int s = 0; s < half; s++) {
                    FloatVector le = FloatVector.broadcast(F, frLo[2 * s]);
                    FloatVector lo = FloatVector.broadcast(F, frLo[2 * s + 1]);
                    FloatVector he = FloatVector.broadcast(F, frHi[2 * s]);
                    FloatVector ho = FloatVector.broadcast(F, frHi[2 * s + 1]);
                    int at = k + s;
                    FloatVector e0 = FloatVector.fromArray(F, e, at);
                    FloatVector o0 = FloatVector.fromArray(F, o, at);
                    l0 = o0.fma(lo, e0.fma(le, l0));
                    h0 = o0.fma(ho, e0.fma(he, h0));
                    FloatVector e1 = FloatVector.fromArray(F, e, at + LANES);
                    FloatVector o1 = FloatVector.fromArray(F, o, at + LANES);
                    l1 = o1.fma(lo, e1.fma(le, l1));
                    h1 = o1.fma(ho, e1.fma(he, h1));
                    FloatVector e2 = FloatVector.fromArray(F, e, at + 2 * LANES);
                    FloatVector o2 = FloatVector.fromArray(F, o, at + 2 * LANES);
                    l2 = o2.fma(lo, e2.fma(le, l2));
                    h2 = o2.fma(ho, e2.fma(he, h2));
                    FloatVector e3 = FloatVector.fromArray(F, e, at + 3 * LANES);
                    FloatVector o3 = FloatVector.fromArray(F, o, at + 3 * LANES);
                    l3 = o3.fma(lo, e3.fma(le, l3));
                    h3 = o3.fma(ho, e3.fma(he, h3));
                }
                l0.intoArray(tLo, out + k);
                l1.intoArray(tLo, out + k + LANES);
                l2.intoArray(tLo, out + k + 2 * LANES);
                l3.intoArray(tLo, out + k + 3 * LANES);
                h0.intoArray(tHi, out + k);
                h1.intoArray(tHi, out + k + LANES);
                h2.intoArray(tHi, out + k + 2 * LANES);
                h3.intoArray(tHi, out + k + 3 * LANES);
            }
            for (; k < bound; k += LANES) {
                FloatVector sl = FloatVector.zero(F);
                FloatVector sh = FloatVector.zero(F);
                for (int s = 0; s < half; s++) {
                    FloatVector ev = FloatVector.fromArray(F, e, k + s);
                    FloatVector ov = FloatVector.fromArray(F, o, k + s);
                    sl = ov.fma(FloatVector.broadcast(F, frLo[2 * s + 1]), ev.fma(FloatVector.broadcast(F, frLo[2 * s]), sl));
                    sh = ov.fma(FloatVector.broadcast(F, frHi[2 * s + 1]), ev.fma(FloatVector.broadcast(F, frHi[2 * s]), sh));
                }
                sl.intoArray(tLo, out + k);
                sh.intoArray(tHi, out + k);
            }
            for (; k < w2; k++) {
                float sl = 0;
                float sh = 0;
                for (int s = 0; s < half; s++) {
                    sl += frLo[2 * s] * e[k + s] + frLo[2 * s + 1] * o[k + s];
                    sh += frHi[2 * s] * e[k + s] + frHi[2 * s + 1] * o[k + s];
                }
                tLo[out + k] = sl;
                tHi[out + k] = sh;
            }
        }
    }

    static void heightAnalysis(float[] tLo, float[] tHi, int from, int to, int h, int w2, float[] frLo, float[] frHi,
                               float[] out) {
        int len = frLo.length;
        int c = len / 2 - 1;
        int h2 = h / 2;
        int band = h2 * w2;
        int bound = F.loopBound(w2);
        int[] rows = new int[len];
        for (int idx = from; idx < to; idx++) {
            int p = idx / h2;
            int k = idx % h2;
            int in = p * h * w2;
            for (int j = 0; j < len; j++) {
                rows[j] = in + Math.floorMod(2 * k + j - c, h) * w2;
            }
            int ll = 4 * p * band + k * w2;
            int col = 0;
            for (; col < bound; col += LANES) {
                FloatVector sLL = FloatVector.zero(F);
                FloatVector sH = FloatVector.zero(F);
                FloatVector sV = FloatVector.zero(F);
                FloatVector sD = FloatVector.zero(F);
                for (int j = 0; j < len; j++) {
                    FloatVector a = FloatVector.fromArray(F, tLo, rows[j] + col);
                    FloatVector b = FloatVector.fromArray(F, tHi, rows[j] + col);
                    sLL = a.fma(FloatVector.broadcast(F, frLo[j]), sLL);
                    sH = a.fma(FloatVector.broadcast(F, frHi[j]), sH);
                    sV = b.fma(FloatVector.broadcast(F, frLo[j]), sV);
                    sD = b.fma(FloatVector.broadcast(F, frHi[j]), sD);
                }
                sLL.intoArray(out, ll + col);
                sH.intoArray(out, ll + band + col);
                sV.intoArray(out, ll + 2 * band + col);
                sD.intoArray(out, ll + 3 * band + col);
            }
            for (; col < w2; col++) {
                float sLL = 0, sH = 0, sV = 0, sD = 0;
                for (int j = 0; j < len; j++) {
                    float a = tLo[rows[j] + col];
                    float b = tHi[rows[j] + col];
                    sLL += frLo[j] * a;
                    sH += frHi[j] * a;
                    sV += frLo[j] * b;
                    sD += frHi[j] * b;
                }
                out[ll + col] = sLL;
                out[ll + band + col] = sH;
                out[ll + 2 * band + col] = sV;
                out[ll + 3 * band + col] = sD;
            }
        }
    }

    static void heightSynthesis(float[] y, int from, int to, int h, int w2, float[] gLo, float[] gHi, float[] tLo,
                                float[] tHi) {
        int len = gLo.length;
        int c = len / 2 - 1;
        int n = h / 2;
        int band = n * w2;
        int half = len / 2;
        int bound = F.loopBound(w2);
        int[] rows = new int[half];
        float[] lo = new float[half];
        float[] hi = new float[half];
        for (int idx = from; idx < to; idx++) {
            int p = idx / h;
            int m = idx % h;
            int base = 4 * p * band;
            int j0 = (m + c) & 1;
            for (int s = 0; s < half; s++) {
                int j = j0 + 2 * s;
                rows[s] = base + Math.floorMod((m + c - j) / 2, n) * w2;
                lo[s] = gLo[j];
                hi[s] = gHi[j];
            }
            int out = idx * w2;
            int col = 0;
            for (; col < bound; col += LANES) {
                FloatVector sLo = FloatVector.zero(F);
                FloatVector sHi = FloatVector.zero(F);
                for (int s = 0; s < half; s++) {
                    int q = rows[s] + col;
                    sLo = FloatVector.fromArray(F, y, q).fma(FloatVector.broadcast(F, lo[s]), sLo);
                    sLo = FloatVector.fromArray(F, y, q + band).fma(FloatVector.broadcast(F, hi[s]), sLo);
                    sHi = FloatVector.fromArray(F, y, q + 2 * band).fma(FloatVector.broadcast(F, lo[s]), sHi);
                    sHi = FloatVector.fromArray(F, y, q + 3 * band).fma(FloatVector.broadcast(F, hi[s]), sHi);
                }
                sLo.intoArray(tLo, out + col);
                sHi.intoArray(tHi, out + col);
            }
            for (; col < w2; col++) {
                float sLo = 0;
                float sHi = 0;
                for (int s = 0; s < half; s++) {
                    int q = rows[s] + col;
                    sLo += lo[s] * y[q] + hi[s] * y[q + band];
                    sHi += lo[s] * y[q + 2 * band] + hi[s] * y[q + 3 * band];
                }
                tLo[out + col] = sLo;
                tHi[out + col] = sHi;
            }
        }
    }

    static void widthSynthesis(float[] tLo, float[] tHi, int from, int to, int w, float[] gLo, float[] gHi, float[] out) {
        int len = gLo.length;
        int c = len / 2 - 1;
        int n = w / 2;
        int half = len / 2;
        // ext[i] = band[(i - half) mod n]: the periodic bands, so every tap reads in bounds.
        float[] extLo = new float[n + len];
        float[] extHi = new float[n + len];
        float[][] even = {new float[n], new float[n]};
        int bound = F.loopBound(n);
        for (int row = from; row < to; row++) {
            int in = row * n;
            for (int i = 0; i < extLo.length; i++) {
                int q = in + Math.floorMod(i - half, n);
                extLo[i] = tLo[q];
                extHi[i] = tHi[q];
            }
            for (int r = 0; r < 2; r++) {
                int j0 = (r + c) & 1;
                int start = (r + c - j0) / 2 + half;   // ext index of s = 0 at p = 0
                float[] dst = even[r];
                int p = 0;
                // Two output vectors, low and high band in separate accumulators: four independent FMA
                // chains instead of one (the single chain waited on FMA latency).
                for (; p + 2 * LANES <= n; p += 2 * LANES) {
                    FloatVector lo0 = FloatVector.zero(F);
                    FloatVector hi0 = FloatVector.zero(F);
                    FloatVector lo1 = FloatVector.zero(F);
                    FloatVector hi1 = FloatVector.zero(F);
                    for (int s = 0; s < half; s++) {
                        int i = p + start - s;
                        FloatVector gl = FloatVector.broadcast(F, gLo[j0 + 2 * s]);
                        FloatVector gh = FloatVector.broadcast(F, gHi[j0 + 2 * s]);
                        lo0 = FloatVector.fromArray(F, extLo, i).fma(gl, lo0);
                        hi0 = FloatVector.fromArray(F, extHi, i).fma(gh, hi0);
                        lo1 = FloatVector.fromArray(F, extLo, i + LANES).fma(gl, lo1);
                        hi1 = FloatVector.fromArray(F, extHi, i + LANES).fma(gh, hi1);
                    }
                    lo0.add(hi0).intoArray(dst, p);
                    lo1.add(hi1).intoArray(dst, p + LANES);
                }
                for (; p < bound; p += LANES) {
                    FloatVector sum = FloatVector.zero(F);
                    for (int s = 0; s < half; s++) {
                        int i = p + start - s;
                        sum = FloatVector.fromArray(F, extLo, i).fma(FloatVector.broadcast(F, gLo[j0 + 2 * s]), sum);
                        sum = FloatVector.fromArray(F, extHi, i).fma(FloatVector.broadcast(F, gHi[j0 + 2 * s]), sum);
                    }
                    sum.intoArray(dst, p);
                }
                for (; p < n; p++) {
                    float sum = 0;
                    for (int s = 0; s < half; s++) {
                        int i = p + start - s;
                        sum += gLo[j0 + 2 * s] * extLo[i] + gHi[j0 + 2 * s] * extHi[i];
                    }
                    dst[p] = sum;
                }
            }
            int o = row * w;
            for (int p = 0; p < n; p++) {
                out[o + 2 * p] = even[0][p];
                out[o + 2 * p + 1] = even[1][p];
            }
        }
    }
}
