package dev.jacobi.cl;

import dev.jacobi.cl.ops.ClDeviceBackend;
import dev.jacobi.tensor.Accelerator;
import dev.jacobi.tensor.device.DeviceBackend;

/**
 * An OpenCL device as a {@link dev.jacobi.tensor.Device} of the tensor engine: {@code tensor.to(device)}
 * moves a tensor there, and its ops then run through {@link ClDeviceBackend}. Get one from {@link OpenCl};
 * there is one instance per context, so devices compare by identity.
 */
public final class OpenClDevice implements Accelerator {
    private final ClContext context;
    private final ClDeviceBackend backend;

    OpenClDevice(ClContext context) {
        this.context = context;
        this.backend = ClDeviceBackend.create(this, context);
    }

    /** The context that holds this device's buffers and queue. */
    public ClContext context() {
        return context;
    }

    @Override
    public DeviceBackend backend() {
        return backend;
    }

    /** {@code opencl:} and the device name. */
    @Override
    public String name() {
        return "opencl:" + context.device().name();
    }

    @Override
    public String toString() {
        return name();
    }
}
