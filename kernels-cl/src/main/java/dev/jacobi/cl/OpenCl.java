package dev.jacobi.cl;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The OpenCL devices of the tensor engine:
 *
 * <pre>{@code
 * Device gpu = OpenCl.device();                 // the best device: GPU first
 * Tensor y = x.to(gpu).matmul(w.to(gpu)).relu().toCpu();
 * }</pre>
 *
 * <p>Without an OpenCL library or platform these throw {@link OpenClUnavailableException}, whose message
 * says what was looked for and how to install PoCL.
 */
public final class OpenCl {
    private static final Map<ClContext, OpenClDevice> DEVICES = new ConcurrentHashMap<>();
    private static final Map<ClDevice, ClContext> CONTEXTS = new ConcurrentHashMap<>();

    private OpenCl() {
    }

    /**
     * The device of the {@link ClContext#shared() shared context} ({@link ClDevices#best()}: the first GPU,
     * or the device the system property {@value ClDevices#DEVICE_PROPERTY} names).
     */
    public static OpenClDevice device() {
        return device(ClContext.shared());
    }

    /** The first device whose name or platform name contains {@code name} (see {@link ClDevices#byName}). */
    public static OpenClDevice device(String name) {
        ClDevice d = ClDevices.byName(name);
        ClContext shared = ClContext.shared();
        if (shared.device().equals(d)) {
            return device(shared);
        }
        return device(CONTEXTS.computeIfAbsent(d, ClContext::create));
    }

    /** The device whose tensors live in {@code context} (one instance per context). */
    public static OpenClDevice device(ClContext context) {
        return DEVICES.computeIfAbsent(context, OpenClDevice::new);
    }
}
