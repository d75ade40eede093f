package dev.jacobi.tensor;

/**
 * Element types of a {@link Tensor}.
 *
 * <p>{@link #BFLOAT16} and {@link #FLOAT16} are storage formats: arithmetic on them is computed in
 * float32 and rounded back when stored. Complex types store (real, imaginary) pairs interleaved, as
 * NumPy and PyTorch do, so {@link #byteSize()} counts both parts.
 */
public enum DType {
    BOOL(1, Kind.BOOL, 0),
    INT8(1, Kind.INTEGER, 1),
    INT32(4, Kind.INTEGER, 2),
    FLOAT16(2, Kind.FLOATING, 3),
    BFLOAT16(2, Kind.FLOATING, 3),
    FLOAT32(4, Kind.FLOATING, 4),
    FLOAT64(8, Kind.FLOATING, 5),
    COMPLEX64(8, Kind.COMPLEX, 6),
    COMPLEX128(16, Kind.COMPLEX, 7);

    private enum Kind { BOOL, INTEGER, FLOATING, COMPLEX }

    private final int byteSize;
    private final Kind kind;
    /** Position in the promotion order; FLOAT16 and BFLOAT16 share one rank and promote to FLOAT32 together. */
    private final int rank;

    DType(int byteSize, Kind kind, int rank) {
        this.byteSize = byteSize;
        this.kind = kind;
        this.rank = rank;
    }

    /** Bytes one element occupies in storage (both parts for complex types). */
    public int byteSize() {
        return byteSize;
    }

    /** True for FLOAT16, BFLOAT16, FLOAT32 and FLOAT64. */
    public boolean isFloatingPoint() {
        return kind == Kind.FLOATING;
    }

    /** True for COMPLEX64 and COMPLEX128. */
    public boolean isComplex() {
        return kind == Kind.COMPLEX;
    }

    /** True for INT8 and INT32. */
    public boolean isInteger() {
        return kind == Kind.INTEGER;
    }

    /** True for BOOL. */
    public boolean isBool() {
        return kind == Kind.BOOL;
    }

    /** True for the floating-point and complex types, whose values can carry gradients. */
    public boolean isInexact() {
        return kind == Kind.FLOATING || kind == Kind.COMPLEX;
    }

    /** The real type of one part of a complex type (COMPLEX64 to FLOAT32); real types return themselves. */
    public DType realPart() {
        return switch (this) {
            case COMPLEX64 -> FLOAT32;
            case COMPLEX128 -> FLOAT64;
            default -> this;
        };
    }

    /** The complex type whose parts hold this type: FLOAT64 to COMPLEX128, every other real type to COMPLEX64. */
    public DType toComplex() {
        return switch (this) {
            case FLOAT64, COMPLEX128 -> COMPLEX128;
            default -> COMPLEX64;
        };
    }

    /** The type arithmetic on this type is computed in: FLOAT16 and BFLOAT16 compute in FLOAT32. */
    public DType computeType() {
        return this == FLOAT16 || this == BFLOAT16 ? FLOAT32 : this;
    }

    /**
     * The result type of a binary operation, following NumPy / PyTorch promotion:
     * bool &lt; int8 &lt; int32 &lt; float16, bfloat16 &lt; float32 &lt; float64 &lt; complex64 &lt; complex128,
     * where float16 with bfloat16 gives float32 and float64 with complex64 gives complex128.
     */
    public static DType promote(DType a, DType b) {
        if (a == b) {
            return a;
        }
        if (a.rank == b.rank) {
            return FLOAT32; // FLOAT16 with BFLOAT16: neither holds the other
        }
        DType high = a.rank > b.rank ? a : b;
        DType low = high == a ? b : a;
        if (high == COMPLEX64 && low == FLOAT64) {
            return COMPLEX128;
        }
        return high;
    }

    /** The name NumPy and PyTorch use for this type, in lower case (e.g. {@code float32}). */
    public String shortName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public String toString() {
        return shortName();
    }
}
