package dev.jacobi.tensor.io;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Random tensors with arbitrary bit patterns and layouts, and an exact, layout-independent comparison. */
final class IoTestSupport {
    /** Ways to lay out a tensor of a given shape: contiguous, and four non-contiguous or offset views. */
    static final List<String> LAYOUTS = List.of("contiguous", "transposed", "strided", "flipped", "offset", "broadcast");

    private IoTestSupport() {
    }

    /**
     * A tensor of {@code shape} whose elements have random bits (0 or 1 for BOOL, NaN payloads
     * included for floats), laid out as {@code layout} says.
     */
    static Tensor randomTensor(DType dtype, int[] shape, String layout, Random random) {
        int rank = shape.length;
        return switch (layout) {
            case "contiguous" -> fillRandom(Tensor.empty(dtype, shape), random);
            case "transposed" -> {
                int[] reversed = new int[rank];
                int[] axes = new int[rank];
                for (int i = 0; i < rank; i++) {
                    reversed[i] = shape[rank - 1 - i];
                    axes[i] = rank - 1 - i;
                }
                yield fillRandom(Tensor.empty(dtype, reversed), random).permute(axes);
            }
            case "strided" -> {
                int[] doubled = Arrays.stream(shape).map(d -> 2 * d).toArray();
                Tensor t = fillRandom(Tensor.empty(dtype, doubled), random);
                for (int i = 0; i < rank; i++) {
                    t = t.slice(i, 0, doubled[i], 2);
                }
                yield t;
            }
            case "flipped" -> {
                int[] dims = new int[rank];
                Arrays.setAll(dims, i -> i);
                yield fillRandom(Tensor.empty(dtype, shape), random).flip(dims);
            }
            case "offset" -> {
                if (rank == 0) {
                    yield fillRandom(Tensor.empty(dtype, shape), random);
                }
                int[] bigger = shape.clone();
                bigger[0] += 1;
                yield fillRandom(Tensor.empty(dtype, bigger), random).slice(0, 1, bigger[0]);
            }
            case "broadcast" -> {
                // Size-1 dimensions where the shape has more than one element, expanded with stride 0.
                int[] ones = Arrays.stream(shape).map(d -> d > 1 && random.nextBoolean() ? 1 : d).toArray();
                yield fillRandom(Tensor.empty(dtype, ones), random).expand(shape);
            }
            default -> throw new IllegalArgumentException(layout);
        };
    }

    private static Tensor fillRandom(Tensor t, Random random) {
        byte[] bytes = new byte[Math.toIntExact(t.numel() * t.dtype().byteSize())];
        random.nextBytes(bytes);
        if (t.dtype() == DType.BOOL) {
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] &= 1;
            }
        }
        MemorySegment.copy(bytes, 0, t.storage().segment(), ValueLayout.JAVA_BYTE, 0, bytes.length);
        return t;
    }

    /**
     * The raw bytes of every element in C order, found by walking indices one by one (no shared
     * loop code): two tensors hold the same values bit for bit exactly when these are equal.
     */
    static byte[] elementBytes(Tensor t) {
        int[] shape = t.shape();
        long[] strides = t.strides();
        int size = t.dtype().byteSize();
        long numel = t.numel();
        byte[] out = new byte[Math.toIntExact(numel * size)];
        MemorySegment m = t.storage().segment();
        int[] idx = new int[shape.length];
        for (long n = 0; n < numel; n++) {
            long element = t.offset();
            for (int d = 0; d < shape.length; d++) {
                element += idx[d] * strides[d];
            }
            MemorySegment.copy(m, ValueLayout.JAVA_BYTE, element * size, out, (int) (n * size), size);
            for (int d = shape.length - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        return out;
    }
}
