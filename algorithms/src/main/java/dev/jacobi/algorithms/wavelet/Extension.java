package dev.jacobi.algorithms.wavelet;

/**
 * Values of a signal x[off .. off + n - 1] at any integer index under an extension {@link Mode}, with
 * PyWavelets' semantics also when the index lies several signal lengths away (signals shorter than
 * the filter), and the transpose of that linear map (for gradients).
 *
 * <p>For n = 1, reflect and antireflect repeat the sample (PyWavelets 1.1.1 loops forever there).
 */
final class Extension {
    private Extension() {
    }

    /** x extended by {@code mode} at index i (any mode but {@link Mode#PERIODIZATION}). */
    static double at(double[] x, int off, int n, long i, Mode mode) {
        if (i >= 0 && i < n) {
            return x[off + (int) i];
        }
        double first = x[off];
        double last = x[off + n - 1];
        switch (mode) {
            case ZERO:
                return 0;
            case CONSTANT:
                return i < 0 ? first : last;
            case SMOOTH:
                if (n == 1) {
                    return first;
                }
                // Linear continuation by the end differences.
                return i < 0 ? first + (-i) * (first - x[off + 1]) : last + (i - n + 1) * (last - x[off + n - 2]);
            case PERIODIC:
                return x[off + (int) Math.floorMod(i, (long) n)];
            case SYMMETRIC: {
                int r = (int) Math.floorMod(i, 2L * n);
                return r < n ? x[off + r] : x[off + 2 * n - 1 - r];
            }
            case ANTISYMMETRIC: {
                int r = (int) Math.floorMod(i, 2L * n);
                return r < n ? x[off + r] : -x[off + 2 * n - 1 - r];
            }
            case REFLECT: {
                if (n == 1) {
                    return first;
                }
                long period = 2L * n - 2;
                int r = (int) Math.floorMod(i, period);
                return r < n ? x[off + r] : x[off + (int) (period - r)];
            }
            case ANTIREFLECT: {
                if (n == 1) {
                    return first;
                }
                // Repeated point reflections about the end samples: periodic up to a drift of
                // 2 (x[n-1] - x[0]) per period of 2n - 2 samples.
                long period = 2L * n - 2;
                long q = Math.floorDiv(i, period);
                int r = (int) (i - q * period);
                double base = r < n ? x[off + r] : 2 * last - x[off + (int) (period - r)];
                return base + q * 2 * (last - first);
            }
            default:
                throw new AssertionError(mode);
        }
    }

    /** The transpose of {@link #at}: adds g times d(at(x, i))/dx into gx. */
    static void accumulate(double[] gx, int off, int n, long i, Mode mode, double g) {
        if (i >= 0 && i < n) {
            gx[off + (int) i] += g;
            return;
        }
        int first = off;
        int last = off + n - 1;
        switch (mode) {
            case ZERO:
                return;
            case CONSTANT:
                gx[i < 0 ? first : last] += g;
                return;
            case SMOOTH:
                if (n == 1) {
                    gx[first] += g;
                } else if (i < 0) {
                    gx[first] += (1 - i) * g;
                    gx[off + 1] += i * g;
                } else {
                    long k = i - n + 1;
                    gx[last] += (1 + k) * g;
                    gx[off + n - 2] -= k * g;
                }
                return;
            case PERIODIC:
                gx[off + (int) Math.floorMod(i, (long) n)] += g;
                return;
            case SYMMETRIC: {
                int r = (int) Math.floorMod(i, 2L * n);
                gx[r < n ? off + r : off + 2 * n - 1 - r] += g;
                return;
            }
            case ANTISYMMETRIC: {
                int r = (int) Math.floorMod(i, 2L * n);
                if (r < n) {
                    gx[off + r] += g;
                } else {
                    gx[off + 2 * n - 1 - r] -= g;
                }
                return;
            }
            case REFLECT: {
                if (n == 1) {
                    gx[first] += g;
                    return;
                }
                long period = 2L * n - 2;
                int r = (int) Math.floorMod(i, period);
                gx[r < n ? off + r : off + (int) (period - r)] += g;
                return;
            }
            case ANTIREFLECT: {
                if (n == 1) {
                    gx[first] += g;
                    return;
                }
                long period = 2L * n - 2;
                long q = Math.floorDiv(i, period);
                int r = (int) (i - q * period);
                if (r < n) {
                    gx[off + r] += g;
                } else {
                    gx[last] += 2 * g;
                    gx[off + (int) (period - r)] -= g;
                }
                gx[last] += 2 * q * g;
                gx[first] -= 2 * q * g;
                return;
            }
            default:
                throw new AssertionError(mode);
        }
    }
}
