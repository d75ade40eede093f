package dev.jacobi.tensor.io;

import dev.jacobi.tensor.Tensor;

import java.nio.file.Path;

/** NumPy .npy files (TODO). */
public final class Npy {
    private Npy() {
    }

    public static Tensor read(Path path) {
        throw new UnsupportedOperationException("TODO");
    }

    public static void write(Path path, Tensor t) {
        throw new UnsupportedOperationException("TODO");
    }
}
