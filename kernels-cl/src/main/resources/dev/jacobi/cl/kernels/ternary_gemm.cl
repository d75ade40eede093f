// Ternary-weight x int8-activation products with int32 sums (BitNet b1.58 inference), OpenCL C 1.2.
//   i2s_gemm: y[b][o] = sum_i w[o][i] * x[b][i], w in {-1, 0, 1} packed in bitnet.cpp's I2_S layout:
//     row o is cols/4 bytes; byte j (0..31) of 128-weight block k holds the codes c = w + 1 of columns
//     128k + j, +32, +64, +96 in bits 7-6, 5-4, 3-2, 1-0.
//   One work-group of WG items per output row o and BT activation rows: each item reads 4 packed bytes
//   (16 weights) at a time, strided by WG*4 bytes so that a group's reads are contiguous, and keeps BT
//   sums; the group then adds its WG partial sums in local memory. Global size: (rows*WG, ceil(batch/BT)).
#ifndef WG
#define WG 64
#endif
#ifndef BT
#define BT 4
#endif

__kernel __attribute__((reqd_work_group_size(WG, 1, 1)))
void i2s_gemm(const int rows, const int cols, const int batch,
              __global const uchar* w, const long woff,
              __global const char* x, const long xoff,
              __global int* y, const long yoff) {
    __local int partial[BT * WG];
    const int o = get_group_id(0);
    const int t = get_local_id(0);
    const int b0 = get_group_id(1) * BT;
    const int rowBytes = cols / 4;
    __global const uchar* wr = w + woff + (long) o * rowBytes;
    int acc[BT];
    for (int k = 0; k < BT; k++) {
        acc[k] = 0;
    }
    for (int q = 4 * t; q < rowBytes; q += 4 * WG) {
        const uchar4 p = vload4(0, wr + q);
        const int col = (q / 32) * 128 + q % 32; // the 4 bytes lie in one block: q and 32 are multiples of 4
        const int4 c0 = convert_int4((p >> (uchar4) 6) & (uchar4) 3) - 1;
        const int4 c1 = convert_int4((p >> (uchar4) 4) & (uchar4) 3) - 1;
        const int4 c2 = convert_int4((p >> (uchar4) 2) & (uchar4) 3) - 1;
        const int4 c3 = convert_int4(p & (uchar4) 3) - 1;
        for (int k = 0; k < BT; k++) {
            if (b0 + k < batch) {
                __global const char* xr = x + xoff + (long) (b0 + k) * cols + col;
                const int4 s = c0 * convert_int4(vload4(0, xr)) + c1 * convert_int4(vload4(0, xr + 32))
                        + c2 * convert_int4(vload4(0, xr + 64)) + c3 * convert_int4(vload4(0, xr + 96));
                acc[k] += s.x + s.y + s.z + s.w;
            }
        }
    }
    for (int k = 0; k < BT; k++) {
        partial[k * WG + t] = acc[k];
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int step = WG / 2; step > 0; step >>= 1) {
        if (t < step) {
            for (int k = 0; k < BT; k++) {
                partial[k * WG + t] += partial[k * WG + t + step];
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (t < BT && b0 + t < batch) {
        y[yoff + (long) (b0 + t) * rows + o] = partial[t * WG];
    }
}
