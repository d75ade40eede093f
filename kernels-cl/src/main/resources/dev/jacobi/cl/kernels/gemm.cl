// Batched float32 GEMM: C[b] = alpha * A[b] B[b] + beta * C[b], with A [M, K], B [K, N], C [M, N]
// given by element strides, so transposed operands (and broadcast batches, batch stride 0) need no
// copy: A(m, k) = A[aoff + b*sab + m*sam + k*sak], B(k, n) = B[boff + b*sbb + k*sbk + n*sbn].
//
// Tile parameters are defines chosen per device by ClGemmTuner (see GemmTileConfig):
//   WGX, WGY  work-group size (x along n, y along m)
//   TM, TN    register tile: each work-item computes TM x TN outputs, at rows ty + i*WGY and
//             columns tx + j*WGX of the block (interleaved, so local-memory reads do not conflict
//             and the stores of a row of work-items are coalesced)
//   TK        depth of one K step
//   VW        width of the vectorised global loads (1, 2 or 4): vloadVW along whichever of the
//             operand's two dimensions is contiguous (k for a row-major A, m for a transposed A)
// Work-group layout: (WGX, WGY, 1); one work-group per BM x BN block of C, BM = WGY*TM, BN = WGX*TN;
// global size (ceil(N/BN)*WGX, ceil(M/BM)*WGY, batches).
//
// Local memory is double buffered: while the work-group multiplies the tiles of step t out of one
// buffer, each work-item has already issued the global loads of step t+1 into registers and stores
// them into the other buffer afterwards, so one barrier per step suffices and the loads' latency
// hides behind the arithmetic. Tiles that reach past M, N or K are loaded element by element with
// bounds checks (zeros outside), so any size works; interior tiles take the vector loads.

#define BM (WGY * TM)
#define BN (WGX * TN)
#define NT (WGX * WGY)
#define PAD 1
#define A_LOADS (BM * TK / NT) // floats each work-item moves per step
#define B_LOADS (BN * TK / NT)

#if VW == 4
#define VLOAD vload4
#define VSTORE vstore4
#elif VW == 2
#define VLOAD vload2
#define VSTORE vstore2
#endif

// Loads this work-item's share of the R x TK tile of operand X (X(r, k) = X[r*sr + k*sk]) starting
// at (r0, k0) into reg. dir 1: contiguous along r (vectors along r); dir 0: along k (or neither).
inline void load_tile(__global const float* X, const long sr, const long sk, const int dir,
                      const int vec, const int rows, const int depth, const int r0, const int k0,
                      const int R, const int count, const int tid, float* reg) {
    const int full = vec && r0 + R <= rows && k0 + TK <= depth;
    for (int v = 0; v < count / VW; v++) {
        const int e = tid + v * NT; // index of this vector within the tile
        int r, k;
        if (dir) { k = e / (R / VW); r = (e % (R / VW)) * VW; }
        else     { r = e / (TK / VW); k = (e % (TK / VW)) * VW; }
        if (full) {
            __global const float* p = X + (long) (r0 + r) * sr + (long) (k0 + k) * sk;
#if VW == 1
            reg[v] = *p;
#else
            VSTORE(VLOAD(0, p), v, reg); // reg[v*VW .. v*VW + VW-1]
#endif
        } else {
            for (int c = 0; c < VW; c++) {
                const int rr = r0 + r + (dir ? c : 0);
                const int kk = k0 + k + (dir ? 0 : c);
                reg[v * VW + c] = (rr < rows && kk < depth) ? X[(long) rr * sr + (long) kk * sk] : 0.0f;
            }
        }
    }
}

// Stores reg (as loaded by load_tile) into the k-major local tile Xs[TK][R + PAD].
inline void store_tile(__local float* Xs, const int dir, const int R, const int count, const int tid,
                       const float* reg) {
    for (int v = 0; v < count / VW; v++) {
        const int e = tid + v * NT;
        int r, k;
        if (dir) { k = e / (R / VW); r = (e % (R / VW)) * VW; }
        else     { r = e / (TK / VW); k = (e % (TK / VW)) * VW; }
        for (int c = 0; c < VW; c++) {
            Xs[(k + (dir ? 0 : c)) * (R + PAD) + r + (dir ? c : 0)] = reg[v * VW + c];
        }
    }
}

__kernel __attribute__((reqd_work_group_size(WGX, WGY, 1)))
void gemm(const int M, const int N, const int K,
          __global const float* A, const long aoff, const long sam, const long sak, const long sab,
          const int dirA, const int vecA,
          __global const float* B, const long boff, const long sbk, const long sbn, const long sbb,
          const int dirB, const int vecB,
          __global float* C, const long coff, const long scm, const long scn, const long scb,
          const float alpha, const float beta) {
    __local float As[2][TK * (BM + PAD)];
    __local float Bs[2][TK * (BN + PAD)];
    const int tx = get_local_id(0);
    const int ty = get_local_id(1);
    const int tid = ty * WGX + tx;
    const int m0 = get_group_id(1) * BM;
    const int n0 = get_group_id(0) * BN;
    const long batch = get_global_id(2);
    A += aoff + batch * sab;
    B += boff + batch * sbb;
    C += coff + batch * scb;
    // B is handled as the N x K operand B'(n, k) = B(k, n), so both tiles load the same way.

    float acc[TM][TN];
    for (int i = 0; i < TM; i++)
        for (int j = 0; j < TN; j++)
            acc[i][j] = 0.0f;
    float ra[A_LOADS];
    float rb[B_LOADS];

    const int steps = (K + TK - 1) / TK;
    load_tile(A, sam, sak, dirA, vecA, M, K, m0, 0, BM, A_LOADS, tid, ra);
    load_tile(B, sbn, sbk, dirB, vecB, N, K, n0, 0, BN, B_LOADS, tid, rb);
    store_tile(As[0], dirA, BM, A_LOADS, tid, ra);
    store_tile(Bs[0], dirB, BN, B_LOADS, tid, rb);
    barrier(CLK_LOCAL_MEM_FENCE);

    for (int t = 0; t < steps; t++) {
        const int cur = t & 1;
        const int more = t + 1 < steps;
        if (more) { // issue the next step's loads before the arithmetic
            load_tile(A, sam, sak, dirA, vecA, M, K, m0, (t + 1) * TK, BM, A_LOADS, tid, ra);
            load_tile(B, sbn, sbk, dirB, vecB, N, K, n0, (t + 1) * TK, BN, B_LOADS, tid, rb);
        }
        __local const float* as = As[cur];
        __local const float* bs = Bs[cur];
        for (int k = 0; k < TK; k++) {
            float a[TM];
            float b[TN];
            for (int i = 0; i < TM; i++) a[i] = as[k * (BM + PAD) + ty + i * WGY];
            for (int j = 0; j < TN; j++) b[j] = bs[k * (BN + PAD) + tx + j * WGX];
            for (int i = 0; i < TM; i++)
                for (int j = 0; j < TN; j++)
                    acc[i][j] = mad(a[i], b[j], acc[i][j]);
        }
        if (more) { // the other buffer was last read before the previous barrier: safe to overwrite
            store_tile(As[1 - cur], dirA, BM, A_LOADS, tid, ra);
            store_tile(Bs[1 - cur], dirB, BN, B_LOADS, tid, rb);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }

    for (int i = 0; i < TM; i++) {
        const int m = m0 + ty + i * WGY;
        if (m >= M) break;
        for (int j = 0; j < TN; j++) {
            const int n = n0 + tx + j * WGX;
            if (n < N) {
                __global float* c = C + (long) m * scm + (long) n * scn;
                *c = beta == 0.0f ? alpha * acc[i][j] : mad(alpha, acc[i][j], beta * *c);
            }
        }
    }
}
