package dev.jacobi.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Owns the off-heap memory of the tensors created while it is open on the current thread.
 *
 * <pre>{@code
 * try (var scope = Scope.open()) {
 *     Tensor x = Tensor.randn(gen, 1024, 1024);   // freed when the scope closes
 *     Tensor kept = scope.keep(x.matmul(x));      // survives: owned by the garbage collector
 * }
 * }</pre>
 *
 * <p>Scopes nest; a tensor belongs to the innermost scope open when it was made. Tensors created
 * outside every scope are reclaimed by the garbage collector. Using a tensor after its scope closed
 * throws {@link FreedTensorException}, never crashes the JVM. The memory may be used from any thread
 * (kernels run on a fork-join pool), but a scope must be closed by the thread that opened it.
 */
public final class Scope implements AutoCloseable {
    private static final ThreadLocal<Deque<Scope>> OPEN = ThreadLocal.withInitial(ArrayDeque::new);
    private static final AtomicLong LIVE_BYTES = new AtomicLong();

    private final Arena arena = Arena.ofShared();
    private final Thread owner = Thread.currentThread();
    private long bytesAllocated;
    private boolean closed;

    private Scope() {
    }

    /** Opens a scope on the current thread; close it with try-with-resources. */
    public static Scope open() {
        Scope scope = new Scope();
        OPEN.get().push(scope);
        return scope;
    }

    /** The innermost scope open on this thread, or null when none is. */
    static Scope current() {
        return OPEN.get().peek();
    }

    /**
     * Allocates 64-byte aligned memory from the innermost scope, or from the GC when none is open.
     *
     * @param zero whether the memory must be zeroed (kernels that write every element need not)
     */
    static MemorySegment allocate(long bytes, boolean zero) {
        Scope scope = current();
        Arena owner = scope == null ? Arena.ofAuto() : scope.arena;
        if (scope != null) {
            scope.bytesAllocated += bytes;
            LIVE_BYTES.addAndGet(bytes);
        } else if (GC_OWNED_SINCE_COLLECTION.addAndGet(bytes) > GC_AFTER_BYTES) {
            collectGcOwnedMemory();
        }
        if (bytes >= NativePool.MIN_POOLED) {
            return NativePool.take(bytes, owner, zero);
        }
        return owner.allocate(Math.max(bytes, 1), Storage.ALIGNMENT);
    }

    /**
     * GC-owned memory is freed only when the collector finds its tensors unreachable, and a tensor's
     * small heap object gives the collector no reason to run: a loop of ops outside any scope grew the
     * native heap by gigabytes between collections. As the JDK does for direct buffers, a collection is
     * requested after every {@code jacobi.gcAfterBytes} bytes (default 512 MiB) of GC-owned tensors.
     */
    private static final long GC_AFTER_BYTES = Long.getLong("jacobi.gcAfterBytes", 512L << 20);
    private static final AtomicLong GC_OWNED_SINCE_COLLECTION = new AtomicLong();

    private static void collectGcOwnedMemory() {
        GC_OWNED_SINCE_COLLECTION.set(0);
        System.gc();
    }

    /** Bytes currently held by the open scopes of all threads (tensor data only, not alignment padding). */
    public static long liveBytes() {
        return LIVE_BYTES.get();
    }

    /** Bytes allocated in this scope so far. */
    public long bytesAllocated() {
        return bytesAllocated;
    }

    /**
     * Copies {@code t} to memory owned by the garbage collector so that it outlives this scope.
     * The returned tensor is contiguous and has the same dtype, shape and values.
     */
    public Tensor keep(Tensor t) {
        Deque<Scope> stack = OPEN.get();
        // Allocate as if no scope were open: move this scope and the ones above it aside.
        Deque<Scope> moved = new ArrayDeque<>();
        while (!stack.isEmpty()) {
            moved.push(stack.pop());
        }
        try {
            return t.copy();
        } finally {
            while (!moved.isEmpty()) {
                stack.push(moved.pop());
            }
        }
    }

    /** True until {@link #close()} has run. */
    public boolean isOpen() {
        return !closed;
    }

    /**
     * Frees every tensor this scope owns. Scopes must close innermost first, on the thread that opened them.
     *
     * @throws IllegalStateException when an inner scope is still open or another thread closes it
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("Scope.close: a scope must be closed by the thread that opened it ("
                    + owner.getName() + "), not by " + Thread.currentThread().getName());
        }
        Deque<Scope> stack = OPEN.get();
        if (stack.peek() != this) {
            throw new IllegalStateException("Scope.close: an inner scope is still open; close scopes innermost first");
        }
        stack.pop();
        closed = true;
        arena.close();
        LIVE_BYTES.addAndGet(-bytesAllocated);
    }
}
