package dev.jacobi.cl;

import org.jocl.cl_mem;

import java.lang.ref.Cleaner;

/**
 * A device allocation with explicit ownership. Close it (or the {@link ClScope} it was made in) to
 * hand the memory back to its context's {@link ClBufferPool}; using it afterwards throws
 * {@link ClosedBufferException}. A buffer that becomes unreachable without being closed is released
 * by the garbage collector, as CPU tensors made outside a scope are, but device memory is scarcer than
 * host memory: close what you can.
 */
public final class ClBuffer implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    private final ClContext context;
    private final long byteSize;
    private final State state;
    private final Cleaner.Cleanable cleanable;

    /** What must be released: held apart from the buffer so the cleaner does not keep it reachable. */
    private static final class State implements Runnable {
        private final cl_mem mem;
        private final long capacity;
        private final ClBufferPool pool;
        private volatile boolean closed;

        State(cl_mem mem, long capacity, ClBufferPool pool) {
            this.mem = mem;
            this.capacity = capacity;
            this.pool = pool;
        }

        @Override
        public void run() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            pool.release(mem, capacity);
        }
    }

    ClBuffer(ClContext context, long byteSize, cl_mem mem, long capacity, ClBufferPool pool) {
        this.context = context;
        this.byteSize = byteSize;
        this.state = new State(mem, capacity, pool);
        this.cleanable = CLEANER.register(this, state);
    }

    /** The context whose device holds this buffer. */
    public ClContext context() {
        return context;
    }

    /** Bytes requested (the allocation may be larger: see {@link ClBufferPool#sizeClass}). */
    public long byteSize() {
        return byteSize;
    }

    /** Bytes allocated on the device. */
    public long capacity() {
        return state.capacity;
    }

    /** True until {@link #close()}. */
    public boolean isOpen() {
        return !state.closed;
    }

    /**
     * The OpenCL memory object, for kernel arguments.
     *
     * @throws ClosedBufferException when the buffer was closed
     */
    public cl_mem mem() {
        if (state.closed) {
            throw new ClosedBufferException("ClBuffer: a device buffer of " + byteSize + " bytes on "
                    + context.device().name() + " was used after it was closed (by close() or its ClScope)");
        }
        return state.mem;
    }

    /** Hands the memory back to the pool; later uses throw {@link ClosedBufferException}. Idempotent. */
    @Override
    public void close() {
        cleanable.clean();
    }
}
