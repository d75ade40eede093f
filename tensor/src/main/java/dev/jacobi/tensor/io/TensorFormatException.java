package dev.jacobi.tensor.io;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Thrown when a file (or byte array) is not a well-formed {@code .npy}, {@code .npz} or
 * {@code .safetensors} file, or holds a dtype Jacobi does not support.
 *
 * <p>The message starts with the file name and says what is wrong, for example
 * {@code "w.safetensors: header length 1000000000000 exceeds the file size 1234"}. The readers check
 * every length, offset and shape against the file size before allocating anything, so a corrupt or
 * hostile file gives this exception rather than an {@link OutOfMemoryError}, a hang or an index error.
 *
 * <p>It extends {@link UncheckedIOException}, which the readers throw for I/O failures (a missing
 * file, a read error): catch {@code UncheckedIOException} for "could not load", or this type for
 * "the content is malformed". {@link #getCause()} is the underlying {@link IOException} (for example
 * a {@link java.util.zip.ZipException}) or one carrying the same message.
 */
public final class TensorFormatException extends UncheckedIOException {
    private static final long serialVersionUID = 1L;

    /**
     * @param source  the file (or other source) that is malformed, as it should appear in the message
     * @param problem what is wrong with it
     */
    public TensorFormatException(String source, String problem) {
        this(source, problem, null);
    }

    /**
     * @param source  the file (or other source) that is malformed
     * @param problem what is wrong with it
     * @param cause   the exception that revealed the problem, or null
     */
    public TensorFormatException(String source, String problem, Throwable cause) {
        super(source + ": " + problem,
                cause instanceof IOException io ? io : new IOException(source + ": " + problem, cause));
    }
}
