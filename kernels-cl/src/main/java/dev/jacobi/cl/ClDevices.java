package dev.jacobi.cl;

import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static org.jocl.CL.*;

/**
 * Discovery and choice of OpenCL devices.
 *
 * <pre>{@code
 * ClDevice gpu = ClDevices.best();              // a GPU if there is one, else an accelerator, else a CPU
 * ClDevice pocl = ClDevices.byName("pthread");  // by a substring of the device or platform name
 * }</pre>
 *
 * <p>Nothing here falls back to the CPU silently: when there is no OpenCL library or no platform,
 * {@link #platforms()} and the pickers throw {@link OpenClUnavailableException} with one line that says
 * what was looked for and how to install PoCL; {@link #availability()} reports the same without throwing.
 * The system property {@code jacobi.opencl.device} (a name substring) changes what {@link #best()} picks.
 */
public final class ClDevices {
    /** System property: a substring of the device or platform name that {@link #best()} must match. */
    public static final String DEVICE_PROPERTY = "jacobi.opencl.device";

    private static volatile List<ClPlatform> platforms;
    private static volatile OpenClUnavailableException failure;

    private ClDevices() {
    }

    /**
     * Every platform and its devices (queried once, then remembered).
     *
     * @throws OpenClUnavailableException when the OpenCL library cannot be loaded or lists no platform
     */
    public static List<ClPlatform> platforms() {
        if (platforms == null && failure == null) {
            synchronized (ClDevices.class) {
                if (platforms == null && failure == null) {
                    try {
                        platforms = discover();
                    } catch (OpenClUnavailableException e) {
                        failure = e;
                    }
                }
            }
        }
        if (failure != null) {
            throw new OpenClUnavailableException(failure.getMessage(), failure.getCause());
        }
        return platforms;
    }

    /** Every device of every platform, in platform order. */
    public static List<ClDevice> all() {
        return platforms().stream().flatMap(p -> p.devices().stream()).toList();
    }

    /** Whether OpenCL is usable, with one line naming the devices or saying what is missing. Never throws. */
    public static ClAvailability availability() {
        try {
            List<ClDevice> devices = all();
            if (devices.isEmpty()) {
                return new ClAvailability(false, "OpenCL: platforms found but no devices; "
                        + OpenClUnavailableException.INSTALL_HINT);
            }
            return new ClAvailability(true, "OpenCL: " + devices.size() + " device(s): "
                    + String.join("; ", devices.stream().map(ClDevice::describe).toList()));
        } catch (OpenClUnavailableException e) {
            return new ClAvailability(false, e.getMessage());
        }
    }

    /**
     * The preferred device: the first GPU, else the first accelerator, else the first CPU device. When the
     * system property {@value #DEVICE_PROPERTY} is set, the device it names (see {@link #byName}).
     *
     * @throws OpenClUnavailableException when there is no device (or none matches the property)
     */
    public static ClDevice best() {
        String wanted = System.getProperty(DEVICE_PROPERTY);
        if (wanted != null && !wanted.isBlank()) {
            return byName(wanted);
        }
        return all().stream().min(Comparator.comparing(ClDevice::type)).orElseThrow(() ->
                new OpenClUnavailableException("OpenCL: the platforms list no device; "
                        + OpenClUnavailableException.INSTALL_HINT));
    }

    /** The first device of the given type, if any. */
    public static Optional<ClDevice> byType(ClDeviceType type) {
        return all().stream().filter(d -> d.type() == type).findFirst();
    }

    /**
     * The first device whose name or platform name contains {@code substring}, ignoring case.
     *
     * @throws OpenClUnavailableException when no device matches; the message lists the devices there are
     */
    public static ClDevice byName(String substring) {
        String needle = substring.toLowerCase(Locale.ROOT);
        List<ClDevice> devices = all();
        return devices.stream()
                .filter(d -> d.name().toLowerCase(Locale.ROOT).contains(needle)
                        || d.platformName().toLowerCase(Locale.ROOT).contains(needle))
                .findFirst()
                .orElseThrow(() -> new OpenClUnavailableException("OpenCL: no device name contains \"" + substring
                        + "\"; the devices are: " + String.join("; ", devices.stream().map(ClDevice::name).toList())));
    }

    private static List<ClPlatform> discover() {
        try {
            CL.setExceptionsEnabled(true);
            int[] count = new int[1];
            try {
                clGetPlatformIDs(0, null, count);
            } catch (CLException e) {
                // The ICD loader reports "no platform" as CL_PLATFORM_NOT_FOUND_KHR (-1001).
                count[0] = 0;
            }
            if (count[0] == 0) {
                throw new OpenClUnavailableException("OpenCL: the OpenCL library loaded but lists no platform "
                        + "(no ICD file under /etc/OpenCL/vendors); " + OpenClUnavailableException.INSTALL_HINT);
            }
            cl_platform_id[] ids = new cl_platform_id[count[0]];
            clGetPlatformIDs(ids.length, ids, null);
            List<ClPlatform> out = new ArrayList<>();
            for (cl_platform_id id : ids) {
                String name = platformString(id, CL_PLATFORM_NAME);
                int[] n = new int[1];
                try {
                    clGetDeviceIDs(id, CL_DEVICE_TYPE_ALL, 0, null, n);
                } catch (CLException e) {
                    n[0] = 0; // CL_DEVICE_NOT_FOUND: a platform without devices
                }
                cl_device_id[] devs = new cl_device_id[n[0]];
                if (n[0] > 0) {
                    clGetDeviceIDs(id, CL_DEVICE_TYPE_ALL, n[0], devs, null);
                }
                List<ClDevice> devices = new ArrayList<>();
                for (cl_device_id d : devs) {
                    devices.add(new ClDevice(id, d, name, deviceString(d, CL_DEVICE_NAME),
                            deviceString(d, CL_DEVICE_VENDOR), ClDeviceType.of(deviceLong(d, CL_DEVICE_TYPE)),
                            deviceString(d, CL_DRIVER_VERSION), deviceString(d, CL_DEVICE_OPENCL_C_VERSION),
                            (int) deviceInt(d, CL_DEVICE_MAX_COMPUTE_UNITS), deviceSize(d, CL_DEVICE_MAX_WORK_GROUP_SIZE),
                            deviceLong(d, CL_DEVICE_LOCAL_MEM_SIZE), deviceLong(d, CL_DEVICE_GLOBAL_MEM_SIZE),
                            deviceLong(d, CL_DEVICE_MAX_MEM_ALLOC_SIZE),
                            new HashSet<>(Arrays.asList(deviceString(d, CL_DEVICE_EXTENSIONS).trim().split("\\s+")))));
                }
                out.add(new ClPlatform(name, platformString(id, CL_PLATFORM_VENDOR),
                        platformString(id, CL_PLATFORM_VERSION), devices));
            }
            return List.copyOf(out);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new OpenClUnavailableException("OpenCL: could not load the OpenCL library (libOpenCL.so.1, the ICD "
                    + "loader) through JOCL: " + e.getMessage() + "; " + OpenClUnavailableException.INSTALL_HINT, e);
        } catch (CLException e) {
            throw new OpenClUnavailableException("OpenCL: querying the platforms failed (" + e.getMessage() + "); "
                    + OpenClUnavailableException.INSTALL_HINT, e);
        }
    }

    private static String platformString(cl_platform_id id, int param) {
        long[] size = new long[1];
        clGetPlatformInfo(id, param, 0, null, size);
        byte[] buf = new byte[(int) size[0]];
        clGetPlatformInfo(id, param, buf.length, Pointer.to(buf), null);
        return cString(buf);
    }

    static String deviceString(cl_device_id id, int param) {
        long[] size = new long[1];
        clGetDeviceInfo(id, param, 0, null, size);
        byte[] buf = new byte[(int) size[0]];
        clGetDeviceInfo(id, param, buf.length, Pointer.to(buf), null);
        return cString(buf);
    }

    private static long deviceLong(cl_device_id id, int param) {
        long[] v = new long[1];
        clGetDeviceInfo(id, param, Sizeof.cl_ulong, Pointer.to(v), null);
        return v[0];
    }

    private static long deviceInt(cl_device_id id, int param) {
        int[] v = new int[1];
        clGetDeviceInfo(id, param, Sizeof.cl_uint, Pointer.to(v), null);
        return v[0];
    }

    private static long deviceSize(cl_device_id id, int param) {
        long[] v = new long[1];
        clGetDeviceInfo(id, param, Sizeof.size_t, Pointer.to(v), null);
        return v[0];
    }

    private static String cString(byte[] bytes) {
        int n = 0;
        while (n < bytes.length && bytes[n] != 0) {
            n++;
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8).trim();
    }
}
