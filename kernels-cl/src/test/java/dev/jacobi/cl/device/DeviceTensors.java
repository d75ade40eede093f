package dev.jacobi.cl.device;

import dev.jacobi.cl.ClTestSupport;
import dev.jacobi.cl.OpenCl;
import dev.jacobi.cl.OpenClDevice;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Storage;
import dev.jacobi.tensor.Tensor;

import java.util.Random;

/** Test helpers: the OpenCL device as a tensor device, and random tensors laid out alike on both sides. */
final class DeviceTensors {
    private DeviceTensors() {
    }

    /** The best OpenCL device; skips (locally) or fails (CI=true) without a platform. */
    static OpenClDevice device() {
        ClTestSupport.context();
        return OpenCl.device();
    }

    /** One tensor as a CPU view and as the same view (shape, strides, offset) of a device storage. */
    record Pair(Tensor cpu, Tensor dev) {
    }

    /**
     * Standard normal float32 values of {@code shape}: contiguous when {@code layout} is 0, else a view
     * with the dimensions stored in a random order, gaps and an offset (as {@link ClTestSupport#random}).
     */
    static Pair random(OpenClDevice device, Random rnd, int[] shape, int layout) {
        int rank = shape.length;
        long[] strides = new long[rank];
        long offset = layout == 0 ? 0 : rnd.nextInt(5);
        long s = 1;
        int[] order = layout == 0 ? descending(rank) : ClTestSupport.permutation(rnd, rank);
        for (int d : order) {
            strides[d] = s;
            s *= shape[d] + (layout == 0 ? 0 : rnd.nextInt(3));
        }
        Storage storage = Storage.allocate(DType.FLOAT32, Math.max(1, offset + s));
        for (long i = 0; i < storage.size(); i++) {
            storage.setFloat(i, (float) rnd.nextGaussian());
        }
        Tensor base = Tensor.view(storage, new int[] {(int) storage.size()}, new long[] {1}, 0);
        Tensor onDevice = base.to(device);
        return new Pair(Tensor.view(storage, shape, strides, offset), Tensor.view(onDevice.storage(), shape, strides, offset));
    }

    private static int[] descending(int rank) {
        int[] o = new int[rank];
        for (int i = 0; i < rank; i++) {
            o[i] = rank - 1 - i;
        }
        return o;
    }

    /** A shape that broadcasts to {@code out}: a suffix of it with some sizes replaced by 1. */
    static int[] broadcastable(Random rnd, int[] out) {
        int drop = out.length == 0 ? 0 : rnd.nextInt(out.length + 1);
        int[] s = new int[out.length - drop];
        for (int i = 0; i < s.length; i++) {
            s[i] = rnd.nextInt(3) == 0 ? 1 : out[drop + i];
        }
        return s;
    }

    /** A random subset of the axes of a rank-{@code rank} tensor (possibly empty: all axes). */
    static int[] axes(Random rnd, int rank) {
        return java.util.stream.IntStream.range(0, rank).filter(i -> rnd.nextBoolean()).toArray();
    }
}
