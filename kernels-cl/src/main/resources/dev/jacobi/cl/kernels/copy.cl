// Layout copies of float32 (4-byte) elements into a contiguous output.
//   copy_strided: y[i] = x[xoff + offset of element i of the strided view]; 1-D work-groups of any
//     size, grid-stride loop.
//   transpose_tiled: a batch of matrices whose source is contiguous along rows, x(b, r, c) at
//     xoff + b*sb + r + c*sc, written as contiguous y[b][r][c]. Work-group TILE x TILE (2-D, x along
//     c); each group moves one TILE x TILE block through local memory so that both the reads (along
//     r) and the writes (along c) are coalesced. Global size: (ceil(C/TILE)*TILE, ceil(R/TILE)*TILE, B).
#include "common.cl"

#ifndef TILE
#define TILE 16
#endif

__kernel void copy_strided(__global const float* xs, const long xoff, const long8 xstr,
                           const long8 shape, const int rank, __global float* ys, const long n) {
    for (long i = get_global_id(0); i < n; i += get_global_size(0)) {
        ys[i] = xs[xoff + strided_offset(i, rank, shape, xstr)];
    }
}

__kernel __attribute__((reqd_work_group_size(TILE, TILE, 1)))
void transpose_tiled(__global const float* xs, const long xoff, const long sb, const long sc,
                     const int R, const int C, __global float* ys) {
    __local float tile[TILE][TILE + 1]; // +1 column: the column reads hit distinct banks
    const int b = get_global_id(2);
    const int r0 = get_group_id(1) * TILE;
    const int c0 = get_group_id(0) * TILE;
    const int lx = get_local_id(0);
    const int ly = get_local_id(1);
    // read: consecutive lx walk along r, which is contiguous in the source
    {
        const int r = r0 + lx;
        const int c = c0 + ly;
        if (r < R && c < C) {
            tile[ly][lx] = xs[xoff + b * sb + r + (long) c * sc];
        }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    // write: consecutive lx walk along c, which is contiguous in the output
    {
        const int r = r0 + ly;
        const int c = c0 + lx;
        if (r < R && c < C) {
            ys[((long) b * R + r) * C + c] = tile[lx][ly];
        }
    }
}
