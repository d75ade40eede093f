package dev.jacobi.cl;

import static org.jocl.CL.CL_DEVICE_TYPE_ACCELERATOR;
import static org.jocl.CL.CL_DEVICE_TYPE_CPU;
import static org.jocl.CL.CL_DEVICE_TYPE_GPU;

/** The kind of an OpenCL device, in the order {@link ClDevices#best()} prefers them. */
public enum ClDeviceType {
    GPU, ACCELERATOR, CPU, OTHER;

    /** The type named by an OpenCL {@code CL_DEVICE_TYPE} bit field. */
    static ClDeviceType of(long bits) {
        if ((bits & CL_DEVICE_TYPE_GPU) != 0) {
            return GPU;
        }
        if ((bits & CL_DEVICE_TYPE_ACCELERATOR) != 0) {
            return ACCELERATOR;
        }
        if ((bits & CL_DEVICE_TYPE_CPU) != 0) {
            return CPU;
        }
        return OTHER;
    }
}
