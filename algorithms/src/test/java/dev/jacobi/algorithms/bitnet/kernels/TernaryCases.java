package dev.jacobi.algorithms.bitnet.kernels;

import dev.jacobi.tensor.Tensor;

import java.util.Random;

/** Random ternary matrices and int8 activations for the kernel tests, and the dense int reference. */
final class TernaryCases {
    private TernaryCases() {
    }

    /** Row-major codes [rows, cols] in {-1, 0, 1}, zero with probability about {@code zeroShare}. */
    static byte[] codes(Random rnd, int rows, int cols, double zeroShare) {
        byte[] c = new byte[rows * cols];
        for (int i = 0; i < c.length; i++) {
            c[i] = rnd.nextDouble() < zeroShare ? 0 : (byte) (rnd.nextBoolean() ? 1 : -1);
        }
        return c;
    }

    /** Uniform int8 values over the whole range, -128 and 127 included (and sometimes only those). */
    static byte[] activations(Random rnd, int n) {
        byte[] x = new byte[n];
        boolean extremes = rnd.nextInt(4) == 0;
        for (int i = 0; i < n; i++) {
            x[i] = extremes ? (byte) (rnd.nextBoolean() ? -128 : 127) : (byte) rnd.nextInt(256);
        }
        return x;
    }

    /** The dense product sum_i codes[o, i] x[b, i] in long, as int: [batch, rows] row-major. */
    static int[] reference(byte[] codes, int rows, int cols, byte[] x, int batch) {
        int[] y = new int[batch * rows];
        for (int b = 0; b < batch; b++) {
            for (int o = 0; o < rows; o++) {
                long acc = 0;
                for (int i = 0; i < cols; i++) {
                    acc += (long) codes[o * cols + i] * x[b * cols + i];
                }
                y[b * rows + o] = Math.toIntExact(acc);
            }
        }
        return y;
    }

    static byte[] bytes(Tensor t) {
        double[] d = t.toDoubleArray();
        byte[] b = new byte[d.length];
        for (int i = 0; i < d.length; i++) {
            b[i] = (byte) d[i];
        }
        return b;
    }

    static int[] ints(Tensor t) {
        double[] d = t.toDoubleArray();
        int[] v = new int[d.length];
        for (int i = 0; i < d.length; i++) {
            v[i] = (int) d[i];
        }
        return v;
    }
}
