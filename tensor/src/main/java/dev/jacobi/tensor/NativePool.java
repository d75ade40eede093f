package dev.jacobi.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reuses large off-heap blocks between tensors. Fresh memory from the operating system costs a page
 * fault per 4 KiB page on first touch, which made a 64 MiB allocation slower than the operation that
 * filled it (measured: ~200 ms against ~20 ms). A freed block of at least {@link #MIN_POOLED} bytes
 * goes back to a free list of its size instead of to the OS, up to {@link #MAX_FREE_BYTES} in all.
 *
 * <p>The caller gets a view of the block bound to its own arena (a {@link Scope}'s, or an automatic
 * one): when that arena closes (or the GC collects it), the view becomes inaccessible, so use after
 * free still throws, and the block returns to the pool.
 */
final class NativePool {
    /** Smaller blocks come from malloc, which already reuses them cheaply. */
    static final long MIN_POOLED = 1 << 16;
    /** Most bytes kept on the free lists; beyond it freed blocks go back to the OS. */
    static final long MAX_FREE_BYTES = Long.getLong("jacobi.pool.maxBytes", 1L << 30);
    private static final long PAGE = 4096;

    private record Block(Arena owner, MemorySegment memory) {
    }

    private static final Map<Long, ConcurrentLinkedDeque<Block>> FREE = new ConcurrentHashMap<>();
    private static final AtomicLong FREE_BYTES = new AtomicLong();

    private NativePool() {
    }

    /**
     * A block of at least {@code bytes}, 64-byte aligned, accessible until {@code user} closes.
     *
     * @param zero whether the caller needs it zeroed (fresh blocks always are)
     */
    static MemorySegment take(long bytes, Arena user, boolean zero) {
        long size = (bytes + PAGE - 1) / PAGE * PAGE;
        Block block = null;
        ConcurrentLinkedDeque<Block> list = FREE.get(size);
        if (list != null) {
            block = list.pollFirst();
        }
        if (block != null) {
            FREE_BYTES.addAndGet(-size);
            if (zero) {
                block.memory().fill((byte) 0);
            }
        } else {
            Arena owner = Arena.ofShared();
            block = new Block(owner, owner.allocate(size, Storage.ALIGNMENT));
        }
        Block taken = block;
        return block.memory().reinterpret(bytes, user, unused -> giveBack(taken));
    }

    private static void giveBack(Block block) {
        long size = block.memory().byteSize();
        if (FREE_BYTES.addAndGet(size) > MAX_FREE_BYTES) {
            FREE_BYTES.addAndGet(-size);
            block.owner().close();
            return;
        }
        FREE.computeIfAbsent(size, s -> new ConcurrentLinkedDeque<>()).addFirst(block);
    }

    /** Bytes currently kept on the free lists. */
    static long freeBytes() {
        return FREE_BYTES.get();
    }
}
