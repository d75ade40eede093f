// Helpers shared by the kernels (pulled in with #include "common.cl", which ClKernels inlines).
//  - strided_offset: storage offset of the i-th element (row-major order) of a strided view whose
//    shape and strides (in elements, rank <= 8) arrive as long8 kernel arguments.
//  - group_sum / group_max: reduce one value per work-item over a 1-D work-group through local
//    memory `scratch` (one float per work-item); every work-item gets the result. Local size must be
//    a power of two.

inline long strided_offset(long i, const int rank, const long8 shape8, const long8 strides8) {
    long shape[8];
    long strides[8];
    vstore8(shape8, 0, shape);
    vstore8(strides8, 0, strides);
    long off = 0;
    for (int d = rank - 1; d >= 0; d--) {
        const long n = shape[d];
        const long q = i / n;
        off += (i - q * n) * strides[d];
        i = q;
    }
    return off;
}

// max that propagates NaN from either side, as the CPU path (Math.max) does.
inline float nan_max(float a, float b) { return (a > b || isnan(a)) ? a : b; }
inline float nan_min(float a, float b) { return (a < b || isnan(a)) ? a : b; }

inline float group_sum(float v, __local float* scratch) {
    const int lid = get_local_id(0);
    const int n = get_local_size(0);
    barrier(CLK_LOCAL_MEM_FENCE); // the previous use of scratch is over
    scratch[lid] = v;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int s = n / 2; s > 0; s >>= 1) {
        if (lid < s) {
            scratch[lid] += scratch[lid + s];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    return scratch[0];
}

inline float group_max(float v, __local float* scratch) {
    const int lid = get_local_id(0);
    const int n = get_local_size(0);
    barrier(CLK_LOCAL_MEM_FENCE);
    scratch[lid] = v;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int s = n / 2; s > 0; s >>= 1) {
        if (lid < s) {
            scratch[lid] = nan_max(scratch[lid], scratch[lid + s]);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    return scratch[0];
}
