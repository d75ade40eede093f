package dev.jacobi.algorithms.compress;

/**
 * Thrown when bytes given to a decoder are not a stream its encoder wrote: wrong magic or version,
 * truncated, lengths that do not add up, or a checksum that does not match. The message starts with
 * the decoder's name and says which check failed.
 */
public final class CorruptStreamException extends IllegalArgumentException {
    /** An exception with {@code message}. */
    public CorruptStreamException(String message) {
        super(message);
    }
}
