// Test kernel for KernelRegistryTest: y[i] = x[i] * FACTOR. One work-item per element, any work-group size.
__kernel void scale(__global const float* x, __global float* y) {
    y[get_global_id(0)] = x[get_global_id(0)] * FACTOR;
}
