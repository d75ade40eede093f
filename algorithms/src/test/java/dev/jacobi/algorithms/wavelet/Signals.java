package dev.jacobi.algorithms.wavelet;

import dev.jacobi.tensor.Tensor;

/** Test signals that make_reference.py makes too: splitmix64 values in [-1, 1), the same doubles on both sides. */
final class Signals {
    private Signals() {
    }

    static double[] signal(long seed, int n) {
        double[] out = new double[n];
        long state = seed;
        for (int i = 0; i < n; i++) {
            state += 0x9E3779B97F4A7C15L;
            long z = state;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z ^= z >>> 31;
            out[i] = (z >>> 11) * 0x1.0p-53 * 2 - 1;
        }
        return out;
    }

    static Tensor tensor(long seed, int... shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        return Tensor.of(signal(seed, n), shape);
    }
}
