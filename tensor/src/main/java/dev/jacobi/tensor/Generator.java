package dev.jacobi.tensor;

/** Seeded source of random tensors (TODO). */
public final class Generator {
    private Generator() {
    }

    /** A generator whose stream is fixed by {@code seed}. */
    public static Generator seeded(long seed) {
        throw new UnsupportedOperationException("TODO");
    }

    Tensor uniform(DType dtype, double low, double high, int... shape) {
        throw new UnsupportedOperationException("TODO");
    }

    Tensor normal(DType dtype, double mean, double std, int... shape) {
        throw new UnsupportedOperationException("TODO");
    }

    Tensor bernoulli(Tensor p) {
        throw new UnsupportedOperationException("TODO");
    }
}
