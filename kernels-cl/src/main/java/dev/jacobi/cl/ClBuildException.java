package dev.jacobi.cl;

/**
 * Thrown when an OpenCL program does not compile for a device; the message carries the program's
 * name, the build options and the compiler's build log.
 */
public final class ClBuildException extends RuntimeException {
    private final String buildLog;

    /** @param message what was built with which options; {@code buildLog} the compiler's output */
    public ClBuildException(String message, String buildLog) {
        super(message + "\n--- build log ---\n" + buildLog);
        this.buildLog = buildLog;
    }

    /** The compiler's output. */
    public String buildLog() {
        return buildLog;
    }
}
