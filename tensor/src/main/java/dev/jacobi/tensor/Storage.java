package dev.jacobi.tensor;

import dev.jacobi.tensor.device.DeviceMemory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A flat off-heap buffer of elements of one {@link DType}; tensors are strided views of a storage.
 *
 * <p>Element accessors take an element index (not a byte offset). Complex elements are two parts:
 * {@link #getDouble} and {@link #setDouble} address the real part, {@link #getImag} and
 * {@link #setImag} the imaginary part.
 */
public final class Storage {
    /** Byte alignment of every storage: one cache line, and the width of an AVX-512 register. */
    public static final long ALIGNMENT = 64;

    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;
    static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE;
    static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT;
    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT;

    private final DType dtype;
    private final long size;
    private final MemorySegment segment; // null on a device
    private final DeviceMemory memory;    // null on the CPU
    private int version;

    private Storage(DType dtype, long size, MemorySegment segment) {
        this.dtype = dtype;
        this.size = size;
        this.segment = segment;
        this.memory = null;
    }

    private Storage(DType dtype, long size, DeviceMemory memory) {
        this.dtype = dtype;
        this.size = size;
        this.segment = null;
        this.memory = memory;
    }

    /**
     * A storage of {@code size} elements in device memory (for device backends, which own the memory).
     *
     * @throws IllegalArgumentException for a negative size
     */
    public static Storage onDevice(DType dtype, long size, DeviceMemory memory) {
        if (size < 0) {
            throw new IllegalArgumentException("Storage.onDevice: negative size " + size);
        }
        return new Storage(dtype, size, java.util.Objects.requireNonNull(memory, "memory"));
    }

    /** Where the elements live: {@link Device#CPU}, or the accelerator of the device memory. */
    public Device device() {
        return memory == null ? Device.CPU : memory.device();
    }

    /**
     * The device memory handle (for the backend that made it).
     *
     * @throws IllegalStateException for a CPU storage
     */
    public DeviceMemory deviceMemory() {
        if (memory == null) {
            throw new IllegalStateException("Storage.deviceMemory: this storage (" + size + " x " + dtype + ") is on the cpu");
        }
        return memory;
    }

    /** Allocates zeroed storage for {@code size} elements in the current {@link Scope} (or GC-owned). */
    public static Storage allocate(DType dtype, long size) {
        if (size < 0) {
            throw new IllegalArgumentException("Storage.allocate: negative size " + size);
        }
        return new Storage(dtype, size, Scope.allocate(Math.multiplyExact(size, (long) dtype.byteSize()), true));
    }

    /**
     * Allocates storage whose contents are unspecified (it may hold an earlier tensor's values), for
     * kernels that write every element. Cheaper than {@link #allocate} for large sizes.
     */
    public static Storage allocateUninitialized(DType dtype, long size) {
        if (size < 0) {
            throw new IllegalArgumentException("Storage.allocateUninitialized: negative size " + size);
        }
        return new Storage(dtype, size, Scope.allocate(Math.multiplyExact(size, (long) dtype.byteSize()), false));
    }

    /**
     * Wraps existing memory (for example a memory-mapped file) without copying. The segment's
     * owner decides its lifetime; its size must hold {@code size} elements.
     */
    public static Storage wrap(DType dtype, long size, MemorySegment segment) {
        long need = Math.multiplyExact(size, (long) dtype.byteSize());
        if (segment.byteSize() < need) {
            throw new IllegalArgumentException("Storage.wrap: " + size + " " + dtype + " elements need " + need
                    + " bytes, the segment has " + segment.byteSize());
        }
        return new Storage(dtype, size, segment);
    }

    /** The element type. */
    public DType dtype() {
        return dtype;
    }

    /**
     * How many in-place changes the tensors over this storage have had. Autograd records it when an op
     * saves a tensor and checks it in backward.
     */
    public int version() {
        return version;
    }

    /** Records an in-place change; kernels that write into existing tensors call it. */
    public void bumpVersion() {
        version++;
    }

    /** Number of elements. */
    public long size() {
        return size;
    }

    /**
     * The memory, after checking it has not been freed.
     *
     * @throws IllegalStateException for a device storage (its memory is not host memory)
     */
    public MemorySegment segment() {
        checkAlive();
        return host();
    }

    /** The host memory, or a clear error for a device storage (instead of a NullPointerException). */
    private MemorySegment host() {
        if (segment == null) {
            throw new IllegalStateException("tensor memory (" + size + " x " + dtype + ") is on " + memory.device().name()
                    + ", not in host memory; this operation runs on the CPU only: call toCpu() first");
        }
        return segment;
    }

    /** True while the owning scope is open (for a device storage: until the backend released the memory). */
    public boolean isAlive() {
        return memory != null ? memory.isAlive() : segment.scope().isAlive();
    }

    /** @throws FreedTensorException when the owning scope has closed */
    public void checkAlive() {
        if (!isAlive() && memory != null) {
            throw new FreedTensorException("device memory (" + size + " x " + dtype + ") on " + memory.device().name()
                    + " was released by its backend (a closed device scope or buffer)");
        }
        if (!isAlive()) {
            throw new FreedTensorException("tensor memory (" + size + " x " + dtype
                    + ") was freed when its Scope closed; use Scope.keep(t) to keep a tensor beyond its scope");
        }
    }

    /** Reads element {@code i} (the real part for complex types) as a double. */
    public double getDouble(long i) {
        return switch (dtype) {
            case FLOAT32 -> host().getAtIndex(F32, i);
            case FLOAT64 -> host().getAtIndex(F64, i);
            case INT32 -> host().getAtIndex(I32, i);
            case INT8 -> host().get(ValueLayout.JAVA_BYTE, i);
            case BOOL -> host().get(ValueLayout.JAVA_BYTE, i) != 0 ? 1.0 : 0.0;
            case FLOAT16 -> Float.float16ToFloat(host().getAtIndex(I16, i));
            case BFLOAT16 -> BFloat16.toFloat(host().getAtIndex(I16, i));
            case COMPLEX64 -> host().getAtIndex(F32, 2 * i);
            case COMPLEX128 -> host().getAtIndex(F64, 2 * i);
        };
    }

    /** Reads the imaginary part of element {@code i}; zero for real types. */
    public double getImag(long i) {
        return switch (dtype) {
            case COMPLEX64 -> host().getAtIndex(F32, 2 * i + 1);
            case COMPLEX128 -> host().getAtIndex(F64, 2 * i + 1);
            default -> 0.0;
        };
    }

    /**
     * Writes element {@code i} (the real part for complex types), converting as a cast does:
     * integers truncate toward zero and wrap, BOOL stores {@code v != 0}, half types round to nearest even.
     */
    public void setDouble(long i, double v) {
        switch (dtype) {
            case FLOAT32 -> host().setAtIndex(F32, i, (float) v);
            case FLOAT64 -> host().setAtIndex(F64, i, v);
            case INT32 -> host().setAtIndex(I32, i, (int) (long) v);
            case INT8 -> host().set(ValueLayout.JAVA_BYTE, i, (byte) (long) v);
            case BOOL -> host().set(ValueLayout.JAVA_BYTE, i, (byte) (v != 0 ? 1 : 0));
            case FLOAT16 -> host().setAtIndex(I16, i, Float.floatToFloat16((float) v));
            case BFLOAT16 -> host().setAtIndex(I16, i, BFloat16.fromFloat((float) v));
            case COMPLEX64 -> host().setAtIndex(F32, 2 * i, (float) v);
            case COMPLEX128 -> host().setAtIndex(F64, 2 * i, v);
        }
    }

    /** Writes the imaginary part of element {@code i}; ignored for real types. */
    public void setImag(long i, double v) {
        switch (dtype) {
            case COMPLEX64 -> host().setAtIndex(F32, 2 * i + 1, (float) v);
            case COMPLEX128 -> host().setAtIndex(F64, 2 * i + 1, v);
            default -> { }
        }
    }

    /** Reads a FLOAT32 element. */
    public float getFloat(long i) {
        return host().getAtIndex(F32, i);
    }

    /** Writes a FLOAT32 element. */
    public void setFloat(long i, float v) {
        host().setAtIndex(F32, i, v);
    }
}
