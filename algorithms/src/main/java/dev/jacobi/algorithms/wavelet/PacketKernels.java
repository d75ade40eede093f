package dev.jacobi.algorithms.wavelet;

import dev.jacobi.tensor.cpu.Simd;
import dev.jacobi.tensor.cpu.WorkerThreads;

/**
 * The 2-D periodization packet transform of float32 planes (every node split at every level), the
 * fast path of {@link WaveletPacket2D} and {@link WaveletPacket2D#toChannels}. Each level runs two
 * passes over all planes: along the width (rows split into even and odd phases, so the strided filter
 * becomes unit-stride dot products) and along the height (whole rows combined, so the filter becomes
 * row AXPYs across the width). Each pass has a scalar form here and a vector form in
 * {@link PacketVectorKernels}; the work is split by rows over {@link WorkerThreads}.
 *
 * <p>Layout: planes [P, H, W] row-major; level j maps plane p to planes 4p + f (f = 0 LL, 1 H, 2 V,
 * 3 D). Filters are given as PyWavelets lists (analysis: dec_lo, dec_hi; synthesis: rec_lo, rec_hi);
 * with c = L/2 - 1, analysis is {@code a[k] = sum_j F[L-1-j] x[(2k + j - c) mod N]} and synthesis
 * {@code x[m] = sum_{j = m + c mod 2} g[j] a[((m + c - j) / 2) mod N/2]}, as in {@link LineTransforms}.
 * Sums run in float32 (as PyWavelets does for float32 data).
 */
final class PacketKernels {
    private PacketKernels() {
    }

    /** Analysis of [planes, h, w] by {@code levels} levels into [planes * 4^J, h / 2^J, w / 2^J]. */
    static float[] analyze(float[] x, int planes, int h, int w, double[] lo, double[] hi, int levels, boolean vector) {
        boolean simd = vector && Simd.enabled();
        float[] frLo = reversedFloat(lo);
        float[] frHi = reversedFloat(hi);
        float[] cur = x;
        int p = planes;
        for (int j = 0; j < levels; j++, p *= 4, h /= 2, w /= 2) {
            float[] tLo = new float[p * h * (w / 2)];
            float[] tHi = new float[tLo.length];
            float[] out = new float[p * h * w];
            float[] src = cur;
            int ph = p, hh = h, ww = w;
            parallel(p * h, (from, to) -> {
                if (simd) {
                    PacketVectorKernels.widthAnalysis(src, from, to, ww, frLo, frHi, tLo, tHi);
                } else {
                    widthAnalysis(src, from, to, ww, frLo, frHi, tLo, tHi);
                }
            });
            parallel(ph * (hh / 2), (from, to) -> {
                if (simd) {
                    PacketVectorKernels.heightAnalysis(tLo, tHi, from, to, hh, ww / 2, frLo, frHi, out);
                } else {
                    heightAnalysis(tLo, tHi, from, to, hh, ww / 2, frLo, frHi, out);
                }
            });
            cur = out;
        }
        return cur;
    }

    /** Synthesis of [planes * 4^J, h / 2^J, w / 2^J] into [planes, h, w] (h, w the full size). */
    static float[] synthesize(float[] y, int planes, int h, int w, double[] lo, double[] hi, int levels, boolean vector) {
        boolean simd = vector && Simd.enabled();
        float[] gLo = toFloat(lo);
        float[] gHi = toFloat(hi);
        float[] cur = y;
        for (int j = levels - 1; j >= 0; j--) {
            int p = planes << (2 * j);           // output planes of this level
            int hh = h >> j;                     // output size
            int ww = w >> j;
            float[] tLo = new float[p * hh * (ww / 2)];
            float[] tHi = new float[tLo.length];
            float[] out = new float[p * hh * ww];
            float[] src = cur;
            parallel(p * hh, (from, to) -> {
                if (simd) {
                    PacketVectorKernels.heightSynthesis(src, from, to, hh, ww / 2, gLo, gHi, tLo, tHi);
                } else {
                    heightSynthesis(src, from, to, hh, ww / 2, gLo, gHi, tLo, tHi);
                }
            });
            parallel(p * hh, (from, to) -> {
                if (simd) {
                    PacketVectorKernels.widthSynthesis(tLo, tHi, from, to, ww, gLo, gHi, out);
                } else {
                    widthSynthesis(tLo, tHi, from, to, ww, gLo, gHi, out);
                }
            });
            cur = out;
        }
        return cur;
    }

    // ---------------------------------------------------------------- scalar passes

    /**
     * Rows [from, to) of length w into their low and high halves (w / 2 each) in tLo, tHi. The row,
     * periodically extended, is split into phases: e[u] = x[(2u - c) mod w], o[u] = x[(2u + 1 - c) mod w].
     */
    static void widthAnalysis(float[] x, int from, int to, int w, float[] frLo, float[] frHi, float[] tLo, float[] tHi) {
        int len = frLo.length;
        int half = len / 2;
        int w2 = w / 2;
        float[] e = new float[w2 + half];
        float[] o = new float[w2 + half];
        for (int row = from; row < to; row++) {
            phases(x, row * w, w, len / 2 - 1, e, o);
            int out = row * w2;
            for (int k = 0; k < w2; k++) {
                float sl = 0;
                float sh = 0;
                for (int s = 0; s < half; s++) {
                    float ev = e[k + s];
                    float ov = o[k + s];
                    sl += frLo[2 * s] * ev + frLo[2 * s + 1] * ov;
                    sh += frHi[2 * s] * ev + frHi[2 * s + 1] * ov;
                }
                tLo[out + k] = sl;
                tHi[out + k] = sh;
            }
        }
    }

    /** Even and odd phases of the periodic extension of x[off .. off + w), shifted by c. */
    static void phases(float[] x, int off, int w, int c, float[] e, float[] o) {
        for (int u = 0; u < e.length; u++) {
            e[u] = x[off + Math.floorMod(2 * u - c, w)];
            o[u] = x[off + Math.floorMod(2 * u + 1 - c, w)];
        }
    }

    /**
     * Output rows [from, to) of all planes (index plane * (h/2) + k) from the width halves tLo, tHi
     * (planes of h rows x w2): LL, H, V, D into planes 4p .. 4p + 3 of out.
     */
    static void heightAnalysis(float[] tLo, float[] tHi, int from, int to, int h, int w2, float[] frLo, float[] frHi,
                               float[] out) {
        int len = frLo.length;
        int c = len / 2 - 1;
        int h2 = h / 2;
        int band = h2 * w2;
        for (int idx = from; idx < to; idx++) {
            int p = idx / h2;
            int k = idx % h2;
            int in = p * h * w2;
            int ll = 4 * p * band + k * w2;
            for (int col = 0; col < w2; col++) {
                float sLL = 0, sH = 0, sV = 0, sD = 0;
                for (int j = 0; j < len; j++) {
                    int r = in + Math.floorMod(2 * k + j - c, h) * w2 + col;
                    float a = tLo[r];
                    float b = tHi[r];
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

    /**
     * Output rows [from, to) (index plane * h + m) of the height synthesis: from the four bands of each
     * plane (h/2 x w2 each, planes 4p .. 4p + 3 of y) into tLo (from LL, H) and tHi (from V, D).
     */
    static void heightSynthesis(float[] y, int from, int to, int h, int w2, float[] gLo, float[] gHi, float[] tLo,
                                float[] tHi) {
        int len = gLo.length;
        int c = len / 2 - 1;
        int n = h / 2;
        int band = n * w2;
        for (int idx = from; idx < to; idx++) {
            int p = idx / h;
            int m = idx % h;
            int base = 4 * p * band;
            int out = idx * w2;
            for (int col = 0; col < w2; col++) {
                float sLo = 0;
                float sHi = 0;
                for (int j = (m + c) & 1; j < len; j += 2) {
                    int q = base + Math.floorMod((m + c - j) / 2, n) * w2 + col;
                    sLo += gLo[j] * y[q] + gHi[j] * y[q + band];
                    sHi += gLo[j] * y[q + 2 * band] + gHi[j] * y[q + 3 * band];
                }
                tLo[out + col] = sLo;
                tHi[out + col] = sHi;
            }
        }
    }

    /** Rows [from, to) of length w from their low and high halves (w / 2 each). */
    static void widthSynthesis(float[] tLo, float[] tHi, int from, int to, int w, float[] gLo, float[] gHi, float[] out) {
        int len = gLo.length;
        int c = len / 2 - 1;
        int n = w / 2;
        for (int row = from; row < to; row++) {
            int in = row * n;
            for (int m = 0; m < w; m++) {
                float s = 0;
                for (int j = (m + c) & 1; j < len; j += 2) {
                    int q = in + Math.floorMod((m + c - j) / 2, n);
                    s += gLo[j] * tLo[q] + gHi[j] * tHi[q];
                }
                out[row * w + m] = s;
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    /** A range body for {@link #parallel}. */
    interface Range {
        void run(int from, int to);
    }

    /** Splits [0, n) into one range per worker thread when there is enough work. */
    static void parallel(int n, Range body) {
        int parts = Math.min(WorkerThreads.count(), Math.max(1, n / 16));
        if (parts <= 1) {
            body.run(0, n);
            return;
        }
        Runnable[] tasks = new Runnable[parts];
        for (int i = 0; i < parts; i++) {
            int from = (int) ((long) n * i / parts);
            int to = (int) ((long) n * (i + 1) / parts);
            tasks[i] = () -> body.run(from, to);
        }
        WorkerThreads.runAll(tasks);
    }

    static float[] reversedFloat(double[] f) {
        float[] r = new float[f.length];
        for (int i = 0; i < f.length; i++) {
            r[i] = (float) f[f.length - 1 - i];
        }
        return r;
    }

    static float[] toFloat(double[] f) {
        float[] r = new float[f.length];
        for (int i = 0; i < f.length; i++) {
            r[i] = (float) f[i];
        }
        return r;
    }
}
