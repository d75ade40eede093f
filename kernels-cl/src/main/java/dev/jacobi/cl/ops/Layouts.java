package dev.jacobi.cl.ops;

import dev.jacobi.cl.ClDevice;
import dev.jacobi.cl.ClDeviceType;

import java.util.ArrayList;
import java.util.List;

/** Host-side layout arithmetic shared by the device ops: dimension collapsing and work sizes. */
final class Layouts {
    /** Most dimensions a strided kernel takes (its shape and strides travel as long8 arguments). */
    static final int MAX_RANK = 8;

    private Layouts() {
    }

    /**
     * A shape and per-operand strides with size-1 dimensions dropped and neighbours merged wherever every
     * operand steps through them as one dimension, so kernels do less index arithmetic. Rank at least 1.
     */
    record Collapsed(long[] shape, long[][] strides) {
        int rank() {
            return shape.length;
        }
    }

    static Collapsed collapse(int[] shape, long[]... strides) {
        List<Long> s = new ArrayList<>();
        List<long[]> st = new ArrayList<>();
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1) {
                continue;
            }
            long[] col = new long[strides.length];
            for (int k = 0; k < strides.length; k++) {
                col[k] = strides[k][d];
            }
            if (!s.isEmpty()) {
                int last = s.size() - 1;
                long[] prev = st.get(last);
                boolean merge = true;
                for (int k = 0; k < strides.length; k++) {
                    merge &= prev[k] == col[k] * shape[d];
                }
                if (merge) {
                    s.set(last, s.get(last) * shape[d]);
                    st.set(last, col);
                    continue;
                }
            }
            s.add((long) shape[d]);
            st.add(col);
        }
        if (s.isEmpty()) {
            s.add(1L);
            st.add(new long[strides.length]);
        }
        long[] outShape = s.stream().mapToLong(Long::longValue).toArray();
        long[][] outStrides = new long[strides.length][outShape.length];
        for (int d = 0; d < outShape.length; d++) {
            for (int k = 0; k < strides.length; k++) {
                outStrides[k][d] = st.get(d)[k];
            }
        }
        return new Collapsed(outShape, outStrides);
    }

    /** Work-group size for 1-D elementwise kernels. */
    static long elementwiseLocal(ClDevice device) {
        return Math.min(256, device.maxWorkGroupSize());
    }

    /** Global size of a grid-stride loop over n elements: enough groups to fill the device, no more. */
    static long gridStride(ClDevice device, long n, long local) {
        long groups = Math.max(1, Math.min((n + local - 1) / local, device.computeUnits() * 64L));
        return groups * local;
    }

    /**
     * Power-of-two work-group size for one-group-per-row kernels over rows of {@code cols} elements. On CPU
     * devices always the same size: PoCL compiles a kernel anew for every work-group size it meets, which
     * costs far more than idle work-items on short rows.
     */
    static int rowLocal(ClDevice device, long cols) {
        boolean cpu = device.type() == ClDeviceType.CPU;
        int cap = (int) Math.min(cpu ? 64 : 256, Long.highestOneBit(device.maxWorkGroupSize()));
        if (cpu) {
            return cap;
        }
        long want = Long.highestOneBit(Math.max(1, cols));
        return (int) Math.max(1, Math.min(cap, want < cols ? want * 2 : want));
    }
}
