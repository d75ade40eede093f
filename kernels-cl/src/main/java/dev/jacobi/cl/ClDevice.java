package dev.jacobi.cl;

import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

import java.util.Set;

/**
 * One OpenCL device with the properties the kernels and caches need. Obtained from {@link ClDevices};
 * open a {@link ClContext} on it to compute.
 *
 * @param platformId          the driver's platform handle
 * @param deviceId            the driver's device handle
 * @param platformName        CL_PLATFORM_NAME of its platform
 * @param name                CL_DEVICE_NAME, e.g. "NVIDIA H100 80GB HBM3"
 * @param vendor              CL_DEVICE_VENDOR
 * @param type                GPU, accelerator or CPU
 * @param driverVersion       CL_DRIVER_VERSION (part of the program-binary cache key)
 * @param openclCVersion      CL_DEVICE_OPENCL_C_VERSION
 * @param computeUnits        CL_DEVICE_MAX_COMPUTE_UNITS
 * @param maxWorkGroupSize    CL_DEVICE_MAX_WORK_GROUP_SIZE
 * @param localMemBytes       CL_DEVICE_LOCAL_MEM_SIZE
 * @param globalMemBytes      CL_DEVICE_GLOBAL_MEM_SIZE
 * @param maxAllocBytes       CL_DEVICE_MAX_MEM_ALLOC_SIZE
 * @param extensions          CL_DEVICE_EXTENSIONS
 */
public record ClDevice(cl_platform_id platformId, cl_device_id deviceId, String platformName, String name,
                       String vendor, ClDeviceType type, String driverVersion, String openclCVersion,
                       int computeUnits, long maxWorkGroupSize, long localMemBytes, long globalMemBytes,
                       long maxAllocBytes, Set<String> extensions) {
    /** Copies the extension set. */
    public ClDevice {
        extensions = Set.copyOf(extensions);
    }

    /** True when the device computes in double precision (cl_khr_fp64), so FLOAT64 tensors may live on it. */
    public boolean supportsFp64() {
        return extensions.contains("cl_khr_fp64");
    }

    /** The name, type and platform in one line, as listings show a device. */
    public String describe() {
        return name + " (" + type.name().toLowerCase(java.util.Locale.ROOT) + ", " + platformName + ", driver "
                + driverVersion + ", " + computeUnits + " compute units, " + (globalMemBytes >> 20) + " MiB)";
    }

    @Override
    public String toString() {
        return describe();
    }
}
