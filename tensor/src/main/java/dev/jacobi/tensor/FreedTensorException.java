package dev.jacobi.tensor;

/** Thrown when a tensor is used after the {@link Scope} that owned its memory was closed. */
public final class FreedTensorException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    FreedTensorException(String message) {
        super(message);
    }
}
