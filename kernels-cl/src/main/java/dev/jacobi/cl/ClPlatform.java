package dev.jacobi.cl;

import java.util.List;

/**
 * One OpenCL platform (an installed driver) and its devices.
 *
 * @param name    CL_PLATFORM_NAME, e.g. "Portable Computing Language" or "NVIDIA CUDA"
 * @param vendor  CL_PLATFORM_VENDOR
 * @param version CL_PLATFORM_VERSION
 * @param devices its devices, in the order the driver lists them
 */
public record ClPlatform(String name, String vendor, String version, List<ClDevice> devices) {
    /** Copies the device list. */
    public ClPlatform {
        devices = List.copyOf(devices);
    }
}
