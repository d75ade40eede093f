package dev.jacobi.cl;

/**
 * Thrown when a computation asks for an OpenCL device and there is none: no OpenCL library (libOpenCL /
 * the ICD loader), no platform, or no device matching the request. The message is one line that says
 * what was looked for and how to install PoCL, the CPU implementation that CI uses.
 */
public final class OpenClUnavailableException extends RuntimeException {
    /** How to get a working OpenCL platform on Debian or Ubuntu. */
    public static final String INSTALL_HINT =
            "install PoCL (OpenCL on the CPU) with: sudo apt-get install pocl-opencl-icd ocl-icd-opencl-dev";

    /** @param message one line: what was looked for and what was found */
    public OpenClUnavailableException(String message) {
        super(message);
    }

    /** @param message one line: what was looked for and what was found; {@code cause} the underlying failure */
    public OpenClUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
