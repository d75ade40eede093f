// float32 reductions (sum, max, min) of a contiguous input seen as a matrix.
//   reduce_rows_<op>(x, xoff, y, rows, cols, parts, scale): x is [rows, cols]; each row is cut into
//     `parts` chunks and work-group g reduces chunk (g % parts) of row (g / parts) into y[g], times
//     `scale` (1/n for a mean, 1 otherwise). With parts > 1 the host reduces y [rows, parts] again.
//     Work-group layout: 1-D, power-of-two local size, one group per (row, chunk); global size
//     rows * parts * local size. Local memory: one float per work-item.
//   reduce_cols_<op>(x, xoff, y, count, cols, scale): x is [count, cols] and y[j] reduces column j;
//     one work-item per column (1-D, any local size), so neighbouring work-items read neighbouring
//     addresses.
#include "common.cl"

#define OP_SUM(a, b) ((a) + (b))
#define OP_MAX(a, b) nan_max(a, b)
#define OP_MIN(a, b) nan_min(a, b)

inline float group_reduce_sum(float v, __local float* s) { return group_sum(v, s); }
inline float group_reduce_max(float v, __local float* s) { return group_max(v, s); }
inline float group_reduce_min(float v, __local float* s) { return -group_max(-v, s); }

#define REDUCE(NAME, OP, INIT)                                                                     \
__kernel void reduce_rows_##NAME(__global const float* xs, const long xoff, __global float* ys,    \
                                 const long rows, const long cols, const int parts,                \
                                 const float scale, __local float* scratch) {                      \
    const long g = get_group_id(0);                                                                \
    const long row = g / parts;                                                                    \
    const long chunk = (cols + parts - 1) / parts;                                                 \
    const long start = (g % parts) * chunk;                                                        \
    const long end = min(cols, start + chunk);                                                     \
    __global const float* x = xs + xoff + row * cols;                                              \
    float acc = INIT;                                                                              \
    for (long i = start + get_local_id(0); i < end; i += get_local_size(0)) {                      \
        acc = OP(acc, x[i]);                                                                       \
    }                                                                                              \
    acc = group_reduce_##NAME(acc, scratch);                                                       \
    if (get_local_id(0) == 0) {                                                                    \
        ys[g] = acc * scale;                                                                       \
    }                                                                                              \
}                                                                                                  \
__kernel void reduce_cols_##NAME(__global const float* xs, const long xoff, __global float* ys,    \
                                 const long count, const long cols, const float scale) {           \
    for (long j = get_global_id(0); j < cols; j += get_global_size(0)) {                           \
        float acc = INIT;                                                                          \
        for (long r = 0; r < count; r++) {                                                         \
            acc = OP(acc, xs[xoff + r * cols + j]);                                                \
        }                                                                                          \
        ys[j] = acc * scale;                                                                       \
    }                                                                                              \
}

REDUCE(sum, OP_SUM, 0.0f)
REDUCE(max, OP_MAX, -INFINITY)
REDUCE(min, OP_MIN, INFINITY)
