package dev.jacobi.cl;

import org.jocl.CLException;
import org.jocl.cl_context;
import org.jocl.cl_mem;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

import static org.jocl.CL.CL_MEM_OBJECT_ALLOCATION_FAILURE;
import static org.jocl.CL.CL_MEM_READ_WRITE;
import static org.jocl.CL.CL_OUT_OF_RESOURCES;
import static org.jocl.CL.clCreateBuffer;
import static org.jocl.CL.clReleaseMemObject;

/**
 * Reuses device allocations by size class, because clCreateBuffer/clReleaseMemObject cost far more than
 * a small kernel. A request is rounded up to its size class: a power of two, or for requests above
 * 4 KiB the next quarter step between powers of two, so at most a quarter of a buffer is waste. Closed
 * buffers wait in a free list of their class until the pool holds {@link #limitBytes()}; beyond that
 * they are released. One queue per context runs in order, so a buffer returned here may be handed out
 * at once even though kernels that read it are still queued: the next kernel runs after them.
 */
public final class ClBufferPool {
    /** Smallest size class in bytes (also what a zero-byte request gets: OpenCL has no empty buffers). */
    public static final long MIN_CLASS = 256;

    private final cl_context context;
    private final long limitBytes;
    private final Map<Long, ArrayDeque<cl_mem>> free = new HashMap<>();
    private long pooledBytes;
    private long hits;
    private long misses;
    private boolean closed;

    ClBufferPool(cl_context context, long limitBytes) {
        this.context = context;
        this.limitBytes = limitBytes;
    }

    /** The size class of a request of {@code bytes}: what the pool allocates for it. */
    public static long sizeClass(long bytes) {
        if (bytes <= MIN_CLASS) {
            return MIN_CLASS;
        }
        long pow = Long.highestOneBit(bytes);
        if (pow == bytes) {
            return bytes;
        }
        if (bytes <= 4096) {
            return pow << 1;
        }
        long step = pow >> 2;
        return (bytes + step - 1) / step * step;
    }

    /** Most bytes kept in the free lists. */
    public long limitBytes() {
        return limitBytes;
    }

    /** Bytes now waiting in the free lists. */
    public synchronized long pooledBytes() {
        return pooledBytes;
    }

    /** Requests served from a free list. */
    public synchronized long hits() {
        return hits;
    }

    /** Requests that allocated a new device buffer. */
    public synchronized long misses() {
        return misses;
    }

    synchronized cl_mem acquire(long capacity) {
        if (closed) {
            throw new IllegalStateException("ClBufferPool: the context is closed");
        }
        ArrayDeque<cl_mem> list = free.get(capacity);
        if (list != null && !list.isEmpty()) {
            hits++;
            pooledBytes -= capacity;
            return list.pop();
        }
        misses++;
        try {
            return clCreateBuffer(context, CL_MEM_READ_WRITE, capacity, null, null);
        } catch (CLException e) {
            if (e.getStatus() != CL_MEM_OBJECT_ALLOCATION_FAILURE && e.getStatus() != CL_OUT_OF_RESOURCES) {
                throw e;
            }
            trim(); // the free lists may hold the memory this request needs
            return clCreateBuffer(context, CL_MEM_READ_WRITE, capacity, null, null);
        }
    }

    synchronized void release(cl_mem mem, long capacity) {
        if (closed || pooledBytes + capacity > limitBytes) {
            clReleaseMemObject(mem);
            return;
        }
        free.computeIfAbsent(capacity, c -> new ArrayDeque<>()).push(mem);
        pooledBytes += capacity;
    }

    /** Releases every buffer waiting in the free lists. */
    public synchronized void trim() {
        for (ArrayDeque<cl_mem> list : free.values()) {
            for (cl_mem m : list) {
                clReleaseMemObject(m);
            }
        }
        free.clear();
        pooledBytes = 0;
    }

    synchronized void close() {
        trim();
        closed = true;
    }
}
