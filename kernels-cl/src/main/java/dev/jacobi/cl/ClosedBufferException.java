package dev.jacobi.cl;

/** Thrown when a device buffer (or a {@link ClTensor} viewing it) is used after it was closed. */
public final class ClosedBufferException extends IllegalStateException {
    /** @param message what was used, and when it was closed */
    public ClosedBufferException(String message) {
        super(message);
    }
}
