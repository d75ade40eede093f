package dev.jacobi.algorithms.wavelet;

import java.util.Locale;

/**
 * How a signal is extended past its ends before filtering, with PyWavelets' names and semantics
 * (x = x[0..N-1]; values at indices outside [0, N)).
 */
public enum Mode {
    /** Zeros. */
    ZERO("zero"),
    /** The edge values repeated. */
    CONSTANT("constant"),
    /** Half-sample symmetric: ... x1 x0 | x0 x1 ... x[N-1] | x[N-1] x[N-2] ... (period 2N). */
    SYMMETRIC("symmetric"),
    /** Whole-sample symmetric: ... x2 x1 | x0 x1 ... x[N-1] | x[N-2] ... (period 2N-2). */
    REFLECT("reflect"),
    /** Periodic: x[i mod N]; the output has floor((N+L-1)/2) coefficients like the other modes. */
    PERIODIC("periodic"),
    /** Linear extrapolation by the first and last differences. */
    SMOOTH("smooth"),
    /** Half-sample antisymmetric: ... -x1 -x0 | x0 ... x[N-1] | -x[N-1] ... (period 2N). */
    ANTISYMMETRIC("antisymmetric"),
    /** Whole-sample antisymmetric: point reflection about the end samples, 2 x0 - x[k] (repeated). */
    ANTIREFLECT("antireflect"),
    /**
     * Circular with exactly ceil(N/2) coefficients (an odd signal first gets its last sample
     * repeated); the non-redundant periodic transform.
     */
    PERIODIZATION("periodization");

    private final String pywtName;

    Mode(String pywtName) {
        this.pywtName = pywtName;
    }

    /** PyWavelets' name of the mode, e.g. {@code "periodization"}. */
    public String pywtName() {
        return pywtName;
    }

    /**
     * The mode of a PyWavelets name (case-insensitive), e.g. {@code "symmetric"}.
     *
     * @throws IllegalArgumentException for an unknown name (the message lists them)
     */
    public static Mode named(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (Mode m : values()) {
            if (m.pywtName.equals(n)) {
                return m;
            }
        }
        throw new IllegalArgumentException("Mode.named: unknown extension mode '" + name + "'; known: zero, constant, "
                + "symmetric, reflect, periodic, smooth, antisymmetric, antireflect, periodization");
    }

    /** The number of coefficients one analysis step gives for a signal of n samples and a filter of length L. */
    public int coefficients(int n, int filterLength) {
        return this == PERIODIZATION ? (n + 1) / 2 : (n + filterLength - 1) / 2;
    }
}
