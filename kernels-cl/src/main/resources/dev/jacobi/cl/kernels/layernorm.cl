// Layer normalization over the last axis of a contiguous float32 input [rows, cols]:
//   y = (x - mean) / sqrt(var + eps) * weight + bias, with the population variance, computed in two
//   passes (mean, then the mean of squared deviations) which is stabler than E[x^2] - mean^2.
// weight and bias ([cols]) are used when has_weight / has_bias are 1.
// Work-group layout: 1-D, power-of-two local size, one work-group per row (global size = rows *
// local size); local memory: one float per work-item.
#include "common.cl"

__kernel void layer_norm_rows(__global const float* xs, const long xoff,
                              __global const float* weight, const long woff, const int has_weight,
                              __global const float* bias, const long boff, const int has_bias,
                              __global float* ys, const long cols, const float eps,
                              __local float* scratch) {
    const long row = get_group_id(0);
    const int lid = get_local_id(0);
    const int n = get_local_size(0);
    __global const float* x = xs + xoff + row * cols;
    __global float* y = ys + row * cols;
    float s = 0.0f;
    for (long i = lid; i < cols; i += n) {
        s += x[i];
    }
    const float mean = group_sum(s, scratch) / cols;
    float q = 0.0f;
    for (long i = lid; i < cols; i += n) {
        const float d = x[i] - mean;
        q += d * d;
    }
    const float inv = rsqrt(group_sum(q, scratch) / cols + eps);
    for (long i = lid; i < cols; i += n) {
        float v = (x[i] - mean) * inv;
        if (has_weight) {
            v *= weight[woff + i];
        }
        if (has_bias) {
            v += bias[boff + i];
        }
        y[i] = v;
    }
}
