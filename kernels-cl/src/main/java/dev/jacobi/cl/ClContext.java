package dev.jacobi.cl;

import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_event;

import java.lang.foreign.MemorySegment;

import static org.jocl.CL.*;

/**
 * An OpenCL context on one device with one in-order command queue, its buffer pool, its compiled
 * programs ({@link #kernels()}) and an optional {@link #profiler()}. All work on the device goes through
 * the one queue, so kernels run in the order they are launched and a buffer may be reused as soon as it
 * is closed. Thread-safe. Close the context to release everything (buffers still open become unusable).
 *
 * <pre>{@code
 * try (ClContext ctx = ClContext.create(ClDevices.best())) { ... }
 * ClContext ctx = ClContext.shared();   // the best device, opened once, never closed
 * }</pre>
 */
public final class ClContext implements AutoCloseable {
    private static volatile ClContext shared;

    private final ClDevice device;
    private final cl_context context;
    private final cl_command_queue queue;
    private final ClBufferPool pool;
    private final ClKernels kernels;
    private final ClProfiler profiler = new ClProfiler();
    private volatile boolean closed;

    private ClContext(ClDevice device) {
        this.device = device;
        CL.setExceptionsEnabled(true);
        cl_context_properties props = new cl_context_properties();
        props.addProperty(CL_CONTEXT_PLATFORM, device.platformId());
        this.context = clCreateContext(props, 1, new cl_device_id[] {device.deviceId()}, null, null, null);
        // Profiling stays on: it costs little, and ClProfiler needs it when enabled later. The OpenCL 1.2
        // call, because some drivers still lack the 2.0 clCreateCommandQueueWithProperties.
        this.queue = clCreateCommandQueue(context, device.deviceId(), CL_QUEUE_PROFILING_ENABLE, null);
        // Keep at most a quarter of the device memory (and 1 GiB) idle in the pool.
        this.pool = new ClBufferPool(context, Math.min(device.globalMemBytes() / 4, 1L << 30));
        this.kernels = new ClKernels(this);
    }

    /** Opens a context on {@code device}. */
    public static ClContext create(ClDevice device) {
        return new ClContext(device);
    }

    /**
     * The shared context on {@link ClDevices#best()}, opened on first use and never closed.
     *
     * @throws OpenClUnavailableException when there is no OpenCL device
     */
    public static ClContext shared() {
        ClContext c = shared;
        if (c == null) {
            synchronized (ClContext.class) {
                c = shared;
                if (c == null) {
                    c = new ClContext(ClDevices.best());
                    shared = c;
                }
            }
        }
        return c;
    }

    /** The device. */
    public ClDevice device() {
        return device;
    }

    /** The programs built for this device (the registry new kernels are added through). */
    public ClKernels kernels() {
        return kernels;
    }

    /** Per-launch event timing, off until enabled. */
    public ClProfiler profiler() {
        return profiler;
    }

    /** The buffer pool. */
    public ClBufferPool pool() {
        return pool;
    }

    /** The OpenCL context handle, for code that adds its own objects. */
    public cl_context handle() {
        checkOpen();
        return context;
    }

    /**
     * A device buffer of at least {@code bytes} bytes, from the pool; it belongs to the innermost open
     * {@link ClScope}, or to the caller when none is open. Its contents are unspecified.
     */
    public ClBuffer allocate(long bytes) {
        checkOpen();
        if (bytes < 0) {
            throw new IllegalArgumentException("ClContext.allocate: negative size " + bytes);
        }
        long capacity = ClBufferPool.sizeClass(bytes);
        ClBuffer b = new ClBuffer(this, bytes, pool.acquire(capacity), capacity, pool);
        ClScope.adopt(b);
        return b;
    }

    /** Copies {@code src} into {@code dst} at {@code byteOffset}; returns when the copy is done. */
    public void write(ClBuffer dst, long byteOffset, MemorySegment src) {
        checkRange("ClContext.write", dst, byteOffset, src.byteSize());
        if (src.byteSize() == 0) {
            return;
        }
        clEnqueueWriteBuffer(queue, dst.mem(), CL_TRUE, byteOffset, src.byteSize(), pointer(src), 0, null, null);
    }

    /** Copies {@code dst.byteSize()} bytes from {@code src} at {@code byteOffset}; returns when done. */
    public void read(ClBuffer src, long byteOffset, MemorySegment dst) {
        checkRange("ClContext.read", src, byteOffset, dst.byteSize());
        if (dst.byteSize() == 0) {
            return;
        }
        clEnqueueReadBuffer(queue, src.mem(), CL_TRUE, byteOffset, dst.byteSize(), pointer(dst), 0, null, null);
    }

    /** Waits until every launched kernel and copy has finished. */
    public void finish() {
        checkOpen();
        clFinish(queue);
    }

    /**
     * Enqueues one kernel whose arguments are already set (see {@link ClLaunch}); when the profiler is
     * enabled, waits for it and records its timing.
     *
     * @param global global work size per dimension
     * @param local  work-group size per dimension, or null to let the driver choose
     */
    void enqueue(org.jocl.cl_kernel kernel, String name, long[] global, long[] local) {
        checkOpen();
        if (!profiler.isEnabled()) {
            clEnqueueNDRangeKernel(queue, kernel, global.length, null, global, local, 0, null, null);
            return;
        }
        cl_event event = new cl_event();
        clEnqueueNDRangeKernel(queue, kernel, global.length, null, global, local, 0, null, event);
        clWaitForEvents(1, new cl_event[] {event});
        long[] queued = new long[1];
        long[] start = new long[1];
        long[] end = new long[1];
        clGetEventProfilingInfo(event, CL_PROFILING_COMMAND_QUEUED, Long.BYTES, Pointer.to(queued), null);
        clGetEventProfilingInfo(event, CL_PROFILING_COMMAND_START, Long.BYTES, Pointer.to(start), null);
        clGetEventProfilingInfo(event, CL_PROFILING_COMMAND_END, Long.BYTES, Pointer.to(end), null);
        clReleaseEvent(event);
        profiler.record(new LaunchTiming(name, start[0] - queued[0], end[0] - start[0]));
    }

    /** Releases the programs, the pooled buffers, the queue and the context. Idempotent. */
    @Override
    public void close() {
        if (this == shared) {
            return; // the shared context lives as long as the JVM
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        clFinish(queue);
        kernels.release();
        pool.close();
        clReleaseCommandQueue(queue);
        clReleaseContext(context);
    }

    @Override
    public String toString() {
        return "ClContext[" + device.describe() + "]";
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("ClContext: the context on " + device.name() + " was closed");
        }
    }

    private void checkRange(String op, ClBuffer buffer, long byteOffset, long bytes) {
        checkOpen();
        if (buffer.context() != this) {
            throw new IllegalArgumentException(op + ": the buffer belongs to another context ("
                    + buffer.context().device().name() + ")");
        }
        if (byteOffset < 0 || byteOffset + bytes > buffer.byteSize()) {
            throw new IndexOutOfBoundsException(op + ": bytes [" + byteOffset + ", " + (byteOffset + bytes)
                    + ") outside a buffer of " + buffer.byteSize());
        }
        buffer.mem();
    }

    private static Pointer pointer(MemorySegment segment) {
        // A native segment seen as a direct ByteBuffer: JOCL passes its address without a copy.
        return Pointer.to(segment.asByteBuffer());
    }
}
