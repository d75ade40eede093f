package dev.jacobi.cl;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Owns the device buffers allocated while it is open on the current thread, as
 * {@link dev.jacobi.tensor.Scope} owns host memory:
 *
 * <pre>{@code
 * try (var scope = ClScope.open()) {
 *     ClTensor x = ClTensor.from(ctx, cpu);           // released when the scope closes
 *     ClTensor y = scope.keep(ClOps.softmax(x));       // survives; close it yourself
 * }
 * }</pre>
 *
 * <p>Scopes nest; a buffer belongs to the innermost scope open when it was allocated. Buffers made
 * outside every scope are owned by whoever made them (close them, or let the GC release them).
 */
public final class ClScope implements AutoCloseable {
    private static final ThreadLocal<Deque<ClScope>> OPEN = ThreadLocal.withInitial(ArrayDeque::new);

    private final Map<ClBuffer, Boolean> owned = new IdentityHashMap<>();
    private final Thread owner = Thread.currentThread();
    private boolean closed;

    private ClScope() {
    }

    /** Opens a scope on the current thread; close it with try-with-resources. */
    public static ClScope open() {
        ClScope scope = new ClScope();
        OPEN.get().push(scope);
        return scope;
    }

    static void adopt(ClBuffer buffer) {
        ClScope scope = OPEN.get().peek();
        if (scope != null) {
            scope.owned.put(buffer, Boolean.TRUE);
        }
    }

    /** Takes {@code tensor}'s buffer out of this scope: the caller now owns it. Returns the tensor. */
    public ClTensor keep(ClTensor tensor) {
        owned.remove(tensor.buffer());
        return tensor;
    }

    /**
     * Closes every buffer this scope owns.
     *
     * @throws IllegalStateException when called from another thread than the one that opened it, or
     *                               when an inner scope is still open
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("ClScope.close: a scope must be closed by the thread that opened it");
        }
        Deque<ClScope> stack = OPEN.get();
        if (stack.peek() != this) {
            throw new IllegalStateException("ClScope.close: an inner scope is still open; close scopes in reverse order");
        }
        stack.pop();
        closed = true;
        List<ClBuffer> buffers = new ArrayList<>(owned.keySet());
        owned.clear();
        for (ClBuffer b : buffers) {
            b.close();
        }
    }
}
