// One level of the 2-D periodization wavelet transform (PyWavelets' dwt2 / idwt2 with
// mode='periodization', WaLLoC's packet level). L (filter length, even) is a define.
//
// Analysis, with c = L/2 - 1 and fr = the analysis filter reversed (PyWavelets' convention):
//   band(k, n) = sum_i sum_j frv[i] frh[j] x[(2k + i - c) mod H][(2n + j - c) mod W]
// bands per input plane p, into planes 4p + f: f = 0 LL, 1 H (high-pass along the height), 2 V (along
// the width), 3 D. One work item computes the four bands of one output position from one L x L patch.
//
// Synthesis, with g = the synthesis filter:
//   x[m][n] = sum_f sum_{i = m + c mod 2} sum_{j = n + c mod 2}
//             gv_f[i] gh_f[j] band_f[((m + c - i) / 2) mod h][((n + c - j) / 2) mod w]
// One work item computes one output sample.

static int wrap(int i, int n) {
    int r = i % n;
    return r < 0 ? r + n : r;
}

// x: planes x H x W, out: planes*4 x H/2 x W/2. taps: fr_lo[L], fr_hi[L]. global: (W/2, H/2, planes)
__kernel void wavelet2d_analysis(__global const float* x, const long x_off, __global float* out,
                                 __constant float* fr_lo, __constant float* fr_hi, const int H, const int W) {
    const int n = get_global_id(0);
    const int k = get_global_id(1);
    const int p = get_global_id(2);
    const int h2 = H / 2;
    const int w2 = W / 2;
    if (n >= w2 || k >= h2) {
        return;
    }
    const int c = L / 2 - 1;
    __global const float* plane = x + x_off + (long) p * H * W;
    float ll = 0.0f, lh = 0.0f, hl = 0.0f, hh = 0.0f;  // (height band)(width band)
    for (int i = 0; i < L; i++) {
        __global const float* row = plane + (long) wrap(2 * k + i - c, H) * W;
        float rl = 0.0f, rh = 0.0f;  // the row filtered along the width
        for (int j = 0; j < L; j++) {
            float v = row[wrap(2 * n + j - c, W)];
            rl += fr_lo[j] * v;
            rh += fr_hi[j] * v;
        }
        ll += fr_lo[i] * rl;
        lh += fr_lo[i] * rh;
        hl += fr_hi[i] * rl;
        hh += fr_hi[i] * rh;
    }
    const long band = (long) h2 * w2;
    __global float* o = out + (long) 4 * p * band + (long) k * w2 + n;
    o[0] = ll;         // LL
    o[band] = hl;      // H: high-pass along the height, low-pass along the width
    o[2 * band] = lh;  // V
    o[3 * band] = hh;  // D
}

// y: planes*4 x h x w, out: planes x 2h x 2w. taps: g_lo[L], g_hi[L]. global: (2w, 2h, planes)
__kernel void wavelet2d_synthesis(__global const float* y, const long y_off, __global float* out,
                                  __constant float* g_lo, __constant float* g_hi, const int h, const int w) {
    const int nn = get_global_id(0);
    const int m = get_global_id(1);
    const int p = get_global_id(2);
    const int H = 2 * h;
    const int W = 2 * w;
    if (nn >= W || m >= H) {
        return;
    }
    const int c = L / 2 - 1;
    const long band = (long) h * w;
    __global const float* b = y + y_off + (long) 4 * p * band;
    float sum = 0.0f;
    for (int i = (m + c) & 1; i < L; i += 2) {
        const long row = (long) wrap((m + c - i) / 2, h) * w;
        float al = 0.0f, ah = 0.0f, dl = 0.0f, dh = 0.0f;  // (height band)(width band) rows filtered along the width
        for (int j = (nn + c) & 1; j < L; j += 2) {
            const long q = row + wrap((nn + c - j) / 2, w);
            al += g_lo[j] * b[q];             // LL
            ah += g_hi[j] * b[q + 2 * band];  // V: low along the height, high along the width
            dl += g_lo[j] * b[q + band];      // H
            dh += g_hi[j] * b[q + 3 * band];  // D
        }
        sum += g_lo[i] * (al + ah) + g_hi[i] * (dl + dh);
    }
    out[(long) p * H * W + (long) m * W + nn] = sum;
}
