// Softmax and log-softmax over the last axis of a contiguous float32 input [rows, cols]:
//   softmax:     y = exp(x - max) / sum(exp(x - max))
//   log_softmax: y = x - max - log(sum(exp(x - max)))
// Subtracting the row maximum keeps exp from overflowing. Three passes over the row (max, sum,
// write); the row stays in cache between them on CPUs and in L2 on GPUs.
// Work-group layout: 1-D, power-of-two local size, one work-group per row (global size = rows *
// local size); local memory: one float per work-item.
#include "common.cl"

inline void softmax_row(__global const float* x, __global float* y, const long cols, const int log_out,
                        __local float* scratch) {
    const int lid = get_local_id(0);
    const int n = get_local_size(0);
    float m = -INFINITY;
    for (long i = lid; i < cols; i += n) {
        m = nan_max(m, x[i]);
    }
    m = group_max(m, scratch);
    float s = 0.0f;
    for (long i = lid; i < cols; i += n) {
        s += exp(x[i] - m);
    }
    s = group_sum(s, scratch);
    if (log_out) {
        const float shift = m + log(s);
        for (long i = lid; i < cols; i += n) {
            y[i] = x[i] - shift;
        }
    } else {
        const float inv = 1.0f / s;
        for (long i = lid; i < cols; i += n) {
            y[i] = exp(x[i] - m) * inv;
        }
    }
}

__kernel void softmax_rows(__global const float* xs, const long xoff, __global float* ys,
                           const long cols, const int log_out, __local float* scratch) {
    const long row = get_group_id(0);
    softmax_row(xs + xoff + row * cols, ys + row * cols, cols, log_out, scratch);
}
