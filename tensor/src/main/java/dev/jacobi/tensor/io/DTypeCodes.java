package dev.jacobi.tensor.io;

import dev.jacobi.tensor.DType;

import java.util.Arrays;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The one table of how each {@link DType} is named in the file formats.
 *
 * <pre>
 * DType       NumPy descr   safetensors
 * BOOL        |b1           BOOL
 * INT8        |i1           I8
 * INT32       &lt;i4           I32
 * FLOAT16     &lt;f2           F16
 * BFLOAT16    (none)        BF16
 * FLOAT32     &lt;f4           F32
 * FLOAT64     &lt;f8           F64
 * COMPLEX64   &lt;c8           C64
 * COMPLEX128  &lt;c16          (none)
 * </pre>
 *
 * NumPy has no bfloat16 (the {@code ml_dtypes} package stores it as an opaque {@code |V2}, which
 * cannot be told apart from other 2-byte records), and safetensors has no complex128.
 */
final class DTypeCodes {
    private DTypeCodes() {
    }

    /** NumPy's type code (kind letter and byte size, without the byte-order character), or null where NumPy has none. */
    static String numpyCode(DType dtype) {
        return switch (dtype) {
            case BOOL -> "b1";
            case INT8 -> "i1";
            case INT32 -> "i4";
            case FLOAT16 -> "f2";
            case BFLOAT16 -> null;
            case FLOAT32 -> "f4";
            case FLOAT64 -> "f8";
            case COMPLEX64 -> "c8";
            case COMPLEX128 -> "c16";
        };
    }

    /** The safetensors dtype name, or null where safetensors has none. */
    static String safetensorsName(DType dtype) {
        return switch (dtype) {
            case BOOL -> "BOOL";
            case INT8 -> "I8";
            case INT32 -> "I32";
            case FLOAT16 -> "F16";
            case BFLOAT16 -> "BF16";
            case FLOAT32 -> "F32";
            case FLOAT64 -> "F64";
            case COMPLEX64 -> "C64";
            case COMPLEX128 -> null;
        };
    }

    /** The dtype with this NumPy type code (such as {@code f4}), or null. */
    static DType fromNumpyCode(String code) {
        return Arrays.stream(DType.values()).filter(d -> code.equals(numpyCode(d))).findFirst().orElse(null);
    }

    /** The dtype with this safetensors name (such as {@code F32}), or null. */
    static DType fromSafetensorsName(String name) {
        return Arrays.stream(DType.values()).filter(d -> name.equals(safetensorsName(d))).findFirst().orElse(null);
    }

    /** The NumPy descriptors Jacobi reads, for error messages. */
    static String numpySupported() {
        return Arrays.stream(DType.values()).map(DTypeCodes::numpyCode).filter(Objects::nonNull)
                .collect(Collectors.joining(", "));
    }

    /** The safetensors dtype names Jacobi reads, for error messages. */
    static String safetensorsSupported() {
        return Arrays.stream(DType.values()).map(DTypeCodes::safetensorsName).filter(Objects::nonNull)
                .collect(Collectors.joining(", "));
    }
}
