// Elementwise float32 ops, one kernel pair per op:
//   unary_<op>_contig(x, xoff, y, n)            y[i] = f(x[xoff + i]) for contiguous x
//   unary_<op>_strided(x, xoff, xstr, shape, rank, y, n)
//   binary_<op>_contig(a, aoff, b, boff, y, n)  both inputs contiguous with the output's shape
//   binary_<op>_strided(a, aoff, astr, b, boff, bstr, shape, rank, y, n)
// Strided inputs carry their strides in elements (0 on broadcast dimensions), the output is contiguous.
// Work-group layout: 1-D, any local size; a grid-stride loop covers n whatever the global size is.
// The functions match dev.jacobi.tensor.ops.UnaryOp / BinaryOp (same names, same NaN behaviour).
#include "common.cl"

inline float gelu_exact(float x) { return 0.5f * x * (1.0f + erf(x * 0.70710678118654752f)); }
inline float gelu_tanh(float x) {
    return 0.5f * x * (1.0f + tanh(0.79788456080286536f * (x + 0.044715f * x * x * x)));
}
inline float sigmoid(float x) { return 1.0f / (1.0f + exp(-x)); }

#define UNARY(NAME, EXPR)                                                                          \
__kernel void unary_##NAME##_contig(__global const float* xs, const long xoff,                     \
                                    __global float* ys, const long n) {                            \
    for (long i = get_global_id(0); i < n; i += get_global_size(0)) {                              \
        const float x = xs[xoff + i];                                                              \
        ys[i] = (EXPR);                                                                            \
    }                                                                                              \
}                                                                                                  \
__kernel void unary_##NAME##_strided(__global const float* xs, const long xoff, const long8 xstr,  \
                                     const long8 shape, const int rank,                            \
                                     __global float* ys, const long n) {                           \
    for (long i = get_global_id(0); i < n; i += get_global_size(0)) {                              \
        const float x = xs[xoff + strided_offset(i, rank, shape, xstr)];                           \
        ys[i] = (EXPR);                                                                            \
    }                                                                                              \
}

UNARY(neg, -x)
UNARY(abs, fabs(x))
UNARY(exp, exp(x))
UNARY(log, log(x))
UNARY(sqrt, sqrt(x))
UNARY(rsqrt, rsqrt(x))
UNARY(sin, sin(x))
UNARY(cos, cos(x))
UNARY(tanh, tanh(x))
UNARY(sigmoid, sigmoid(x))
UNARY(erf, erf(x))
UNARY(gelu, gelu_exact(x))
UNARY(gelu_tanh, gelu_tanh(x))
UNARY(silu, x * sigmoid(x))
UNARY(relu, (x > 0.0f || isnan(x)) ? x : 0.0f)
UNARY(square, x * x)
UNARY(reciprocal, 1.0f / x)
UNARY(log1p, log1p(x))
UNARY(expm1, expm1(x))
UNARY(floor, floor(x))
UNARY(ceil, ceil(x))
UNARY(round, rint(x))
UNARY(sign, x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : x))

#define BINARY(NAME, EXPR)                                                                         \
__kernel void binary_##NAME##_contig(__global const float* as, const long aoff,                    \
                                     __global const float* bs, const long boff,                    \
                                     __global float* ys, const long n) {                           \
    for (long i = get_global_id(0); i < n; i += get_global_size(0)) {                              \
        const float a = as[aoff + i];                                                              \
        const float b = bs[boff + i];                                                              \
        ys[i] = (EXPR);                                                                            \
    }                                                                                              \
}                                                                                                  \
__kernel void binary_##NAME##_strided(__global const float* as, const long aoff, const long8 astr, \
                                      __global const float* bs, const long boff, const long8 bstr, \
                                      const long8 shape, const int rank,                           \
                                      __global float* ys, const long n) {                          \
    for (long i = get_global_id(0); i < n; i += get_global_size(0)) {                              \
        const float a = as[aoff + strided_offset(i, rank, shape, astr)];                           \
        const float b = bs[boff + strided_offset(i, rank, shape, bstr)];                           \
        ys[i] = (EXPR);                                                                            \
    }                                                                                              \
}

BINARY(add, a + b)
BINARY(sub, a - b)
BINARY(mul, a * b)
BINARY(div, a / b)
BINARY(pow, pow(a, b))
BINARY(maximum, nan_max(a, b))
BINARY(minimum, nan_min(a, b))
BINARY(atan2, atan2(a, b))
