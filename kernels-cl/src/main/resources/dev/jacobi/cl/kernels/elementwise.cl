// Elementwise float32 ops. The op is a runtime argument (its code is its position in the lists below,
// which ClOps mirrors), so that one small program serves every op: compilers such as PoCL spend far longer
// on sixty kernels than on four, and the switch is uniform across a work-group, so it costs nothing next
// to the memory traffic.
//   unary_contig(op, x, xoff, y, n)                      y[i] = f(x[xoff + i]) for contiguous x
//   unary_strided(op, x, xoff, xstr, shape, rank, y, n)
//   binary_contig(op, a, aoff, b, boff, y, n)           both inputs contiguous with the output's shape
//   binary_strided(op, a, aoff, astr, b, boff, bstr, shape, rank, y, n)
// Strided inputs carry their strides in elements (0 on broadcast dimensions), the output is contiguous.
// Work-group layout: 1-D, any local size; a grid-stride loop covers n whatever the global size is.
// The functions match dev.jacobi.tensor.ops.UnaryOp / BinaryOp (same names, same NaN behaviour).
#include "common.cl"

inline float gelu_exact(float x) { return 0.5f * x * (1.0f + erf(x * 0.70710678118654752f)); }
/* The slope of exact GELU, Phi(x) + x phi(x), with Phi from erfc so that it keeps its digits for x << 0. */
inline float gelu_slope(float x) {
    return 0.5f * erfc(-x * 0.70710678118654752f) + x * exp(-0.5f * x * x) * 0.39894228040143268f;
}
inline float gelu_tanh(float x) {
    return 0.5f * x * (1.0f + tanh(0.79788456080286536f * (x + 0.044715f * x * x * x)));
}
inline float sigmoid(float x) { return 1.0f / (1.0f + exp(-x)); }

inline float unary_apply(const int op, const float x) {
    switch (op) {
        case 0: return -x;                                     // neg
        case 1: return fabs(x);                                // abs
        case 2: return exp(x);                                 // exp
        case 3: return log(x);                                 // log
        case 4: return sqrt(x);                                // sqrt
        case 5: return rsqrt(x);                               // rsqrt
        case 6: return sin(x);                                 // sin
        case 7: return cos(x);                                 // cos
        case 8: return tanh(x);                                // tanh
        case 9: return sigmoid(x);                             // sigmoid
        case 10: return erf(x);                                // erf
        case 11: return gelu_exact(x);                         // gelu
        case 12: return gelu_tanh(x);                          // gelu_tanh
        case 13: return x * sigmoid(x);                        // silu
        case 14: return (x > 0.0f || isnan(x)) ? x : 0.0f;     // relu
        case 15: return x * x;                                 // square
        case 16: return 1.0f / x;                              // reciprocal
        case 17: return log1p(x);                              // log1p
        case 18: return expm1(x);                              // expm1
        case 19: return floor(x);                              // floor
        case 20: return ceil(x);                               // ceil
        case 21: return rint(x);                               // round (half to even)
        case 22: return x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : x); // sign (keeps -0, 0 and NaN)
        case 23: return x > 0.0f ? 1.0f : (isnan(x) ? x : 0.0f); // step (the slope of relu)
        default: return gelu_slope(x);                         // 24: gelu_slope
    }
}

inline float binary_apply(const int op, const float a, const float b) {
    switch (op) {
        case 0: return a + b;            // add
        case 1: return a - b;            // sub
        case 2: return a * b;            // mul
        case 3: return a / b;            // div
        case 4: return pow(a, b);        // pow
        case 5: return nan_max(a, b);    // maximum
        case 6: return nan_min(a, b);    // minimum
        default: return atan2(a, b);     // 7: atan2
    }
}

__kernel void unary_contig(const int op, __global const float* xs, const long xoff, __global float* ys,
                           const long n) {
    for (long i = get_global_id(0); i < n; i += get_global_size(0)) {
        ys[i] = unary_apply(op, xs[xoff + i]);
    }
}

__kernel void unary_strided(const int op, __global const float* xs, const long xoff, const long8 xstr,
                            const long8 shape, const int rank, __global float* ys, const long n) {
    for (long i = get_global_id(0); i < n; i += get_global_size(0)) {
        ys[i] = unary_apply(op, xs[xoff + strided_offset(i, rank, shape, xstr)]);
    }
}

__kernel void binary_contig(const int op, __global const float* as, const long aoff,
                            __global const float* bs, const long boff, __global float* ys, const long n) {
    for (long i = get_global_id(0); i < n; i += get_global_size(0)) {
        ys[i] = binary_apply(op, as[aoff + i], bs[boff + i]);
    }
}

__kernel void binary_strided(const int op, __global const float* as, const long aoff, const long8 astr,
                             __global const float* bs, const long boff, const long8 bstr,
                             const long8 shape, const int rank, __global float* ys, const long n) {
    for (long i = get_global_id(0); i < n; i += get_global_size(0)) {
        ys[i] = binary_apply(op, as[aoff + strided_offset(i, rank, shape, astr)],
                             bs[boff + strided_offset(i, rank, shape, bstr)]);
    }
}
