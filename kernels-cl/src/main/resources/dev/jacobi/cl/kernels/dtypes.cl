// Kernels for the device tensors of dev.jacobi.tensor (ClDeviceBackend): elements of any device dtype,
// predicates, and the where choice. Every kernel takes strided views (strides in elements, 0 on broadcast
// dimensions, rank <= 8 after merging) and runs a grid-stride loop over n elements, 1-D work-groups
// of any size.
//   convert_strided(src, sdt, soff, sstr, dst, ddt, doff, dstr, shape, rank, n)  dst = (ddt) src
//   fill_strided(dst, ddt, doff, dstr, shape, rank, value, n)                    dst = (ddt) value
//   compare_strided(op, a, aoff, astr, b, boff, bstr, shape, rank, y, n)          y (bool) = a op b, float32 a, b
//   where_strided(c, coff, cstr, a, aoff, astr, b, boff, bstr, shape, rank, y, n) y = c ? a : b, bool c, float32 a, b
// The output y of the last two is contiguous. Dtype codes (ClDeviceBackend.DTYPE_CODES): 0 float32,
// 1 int32, 2 int8, 3 bool (one byte holding 0 or 1). Casts follow Storage.setDouble: to an integer
// truncates toward zero, to bool is (v != 0); copies between equal dtypes move the bits, so int32 stays exact.
#include "common.cl"

inline float load_as_float(__global const uchar* p, const int dt, const long i) {
    switch (dt) {
        case 0: return ((__global const float*) p)[i];
        case 1: return (float) ((__global const int*) p)[i];
        case 2: return (float) ((__global const char*) p)[i];
        default: return p[i] != 0 ? 1.0f : 0.0f;
    }
}

inline void store_from_float(__global uchar* p, const int dt, const long i, const float v) {
    switch (dt) {
        case 0: ((__global float*) p)[i] = v; break;
        case 1: ((__global int*) p)[i] = (int) v; break;
        case 2: ((__global char*) p)[i] = (char) (int) v; break;
        default: p[i] = v != 0.0f ? 1 : 0; break; // NaN counts as true, as on the CPU
    }
}

__kernel void convert_strided(__global const uchar* src, const int sdt, const long soff, const long8 sstr,
                              __global uchar* dst, const int ddt, const long doff, const long8 dstr,
                              const long8 shape, const int rank, const long n) {
    for (long i = get_global_id(0); i < n; i += get_global_size(0)) {
        const long s = soff + strided_offset(i, rank, shape, sstr);
        const long d = doff + strided_offset(i, rank, shape, dstr);
        if (sdt == ddt && sdt <= 1) { // 4-byte elements: copy the bits
            ((__global uint*) dst)[d] = ((__global const uint*) src)[s];
        } else if (sdt == ddt) {
            dst[d] = src[s];
        } else {
            store_from_float(dst, ddt, d, load_as_float(src, sdt, s));
        }
    }
}

__kernel void fill_strided(__global uchar* dst, const int ddt, const long doff, const long8 dstr,
                           const long8 shape, const int rank, const float value, const long n) {
    for (long i = get_global_id(0); i < n; i += get_global_size(0)) {
        store_from_float(dst, ddt, doff + strided_offset(i, rank, shape, dstr), value);
    }
}

// Op codes as ClDeviceBackend.PREDICATES: eq, ne, lt, le, gt, ge, logical_and, logical_or.
inline uchar compare_apply(const int op, const float a, const float b) {
    switch (op) {
        case 0: return a == b;
        case 1: return a != b;
        case 2: return a < b;
        case 3: return a <= b;
        case 4: return a > b;
        case 5: return a >= b;
        case 6: return a != 0.0f && b != 0.0f;
        default: return a != 0.0f || b != 0.0f;
    }
}

__kernel void compare_strided(const int op, __global const float* as, const long aoff, const long8 astr,
                              __global const float* bs, const long boff, const long8 bstr,
                              const long8 shape, const int rank, __global uchar* ys, const long n) {
    for (long i = get_global_id(0); i < n; i += get_global_size(0)) {
        ys[i] = compare_apply(op, as[aoff + strided_offset(i, rank, shape, astr)],
                              bs[boff + strided_offset(i, rank, shape, bstr)]);
    }
}

__kernel void where_strided(__global const uchar* cs, const long coff, const long8 cstr,
                            __global const float* as, const long aoff, const long8 astr,
                            __global const float* bs, const long boff, const long8 bstr,
                            const long8 shape, const int rank, __global float* ys, const long n) {
    for (long i = get_global_id(0); i < n; i += get_global_size(0)) {
        ys[i] = cs[coff + strided_offset(i, rank, shape, cstr)] != 0 ? as[aoff + strided_offset(i, rank, shape, astr)]
                                                                      : bs[boff + strided_offset(i, rank, shape, bstr)];
    }
}
