// FlashAttention forward in float32 with an online softmax: O = softmax(scale * Q K^T + bias) V for
// contiguous Q [BH, Lq, D], K [BH, Lk, D], V [BH, Lk, D], O [BH, Lq, D] (BH = batch * heads),
// without ever storing the Lq x Lk score matrix.
//   causal: query i sees keys j <= i (the top-left aligned mask of PyTorch's is_causal).
//   ALiBi:  bias(i, j) = slopes[h] * (j - i) with h = bh % heads (zero when has_alibi is 0).
// Keys are processed in blocks of BC: for each block the work-item computes its BC scores, the block
// maximum, rescales its running output and normaliser once by exp(m_old - m_new) and accumulates
// (FlashAttention-2's online softmax), then divides by the normaliser at the end.
// Defines: HEAD_DIM (D), BR (query rows per work-group), BC (keys per block held in local memory).
// Work-group layout: 1-D, BR work-items, one query row each; global size (ceil(Lq/BR)*BR, BH). The
// work-group stages each block of K and V (2 * BC * D floats) in local memory for all its rows.

__kernel __attribute__((reqd_work_group_size(BR, 1, 1)))
void flash_attention_fwd(__global const float* Q, const long qoff, __global const float* K, const long koff,
                         __global const float* V, const long voff, __global float* O,
                         const int Lq, const int Lk, const int heads, const float scale, const int causal,
                         __global const float* slopes, const long soff, const int has_alibi) {
    __local float Ks[BC * HEAD_DIM];
    __local float Vs[BC * HEAD_DIM];
    const int lid = get_local_id(0);
    const long bh = get_group_id(1);
    const int first = get_group_id(0) * BR;
    const int qi = first + lid;
    const int active = qi < Lq;
    const float slope = has_alibi ? slopes[soff + bh % heads] : 0.0f;
    Q += qoff;
    K += koff;
    V += voff;

    float q[HEAD_DIM];
    float o[HEAD_DIM];
    for (int d = 0; d < HEAD_DIM; d++) {
        q[d] = active ? Q[(bh * Lq + qi) * HEAD_DIM + d] * scale : 0.0f;
        o[d] = 0.0f;
    }
    float m = -INFINITY; // running maximum of the scores seen
    float l = 0.0f;      // running sum of exp(score - m)

    // With the causal mask no row of this group looks past key first + BR - 1.
    const int kend = causal ? min(Lk, first + BR) : Lk;
    for (int j0 = 0; j0 < kend; j0 += BC) {
        barrier(CLK_LOCAL_MEM_FENCE); // the previous block is no longer read
        for (int e = lid; e < BC * HEAD_DIM; e += BR) {
            const int j = j0 + e / HEAD_DIM;
            const long src = (bh * Lk + j) * HEAD_DIM + e % HEAD_DIM;
            Ks[e] = j < Lk ? K[src] : 0.0f;
            Vs[e] = j < Lk ? V[src] : 0.0f;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        if (!active) {
            continue;
        }
        float s[BC];
        float mb = -INFINITY;
        for (int jj = 0; jj < BC; jj++) {
            const int j = j0 + jj;
            float v = -INFINITY;
            if (j < Lk && (!causal || j <= qi)) {
                float dot = 0.0f;
                for (int d = 0; d < HEAD_DIM; d++) {
                    dot = mad(q[d], Ks[jj * HEAD_DIM + d], dot);
                }
                v = dot + slope * (float) (j - qi);
            }
            s[jj] = v;
            mb = fmax(mb, v);
        }
        if (mb == -INFINITY) {
            continue; // every key of this block is masked for this row
        }
        const float mnew = fmax(m, mb);
        const float corr = exp(m - mnew); // 0 on the first block (m = -inf)
        l *= corr;
        for (int d = 0; d < HEAD_DIM; d++) {
            o[d] *= corr;
        }
        for (int jj = 0; jj < BC; jj++) {
            const float p = exp(s[jj] - mnew); // 0 for masked keys
            l += p;
            for (int d = 0; d < HEAD_DIM; d++) {
                o[d] = mad(p, Vs[jj * HEAD_DIM + d], o[d]);
            }
        }
        m = mnew;
    }
    if (active) {
        const float inv = 1.0f / l;
        for (int d = 0; d < HEAD_DIM; d++) {
            O[(bh * Lq + qi) * HEAD_DIM + d] = o[d] * inv;
        }
    }
}
