package dev.jacobi.cl;

import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_kernel;

import java.util.ArrayList;
import java.util.List;

import static org.jocl.CL.clSetKernelArg;

/**
 * One kernel launch being prepared: arguments are collected in order and set, together with the
 * enqueue, under the kernel's lock, so several threads may launch the same kernel.
 */
public final class ClLaunch {
    private final ClContext context;
    private final String name;
    private final cl_kernel kernel;
    private final List<Object> args = new ArrayList<>();

    /** Bytes of local memory, as a kernel argument of type {@code __local T*}. */
    private record Local(long bytes) {
    }

    ClLaunch(ClContext context, String name, cl_kernel kernel) {
        this.context = context;
        this.name = name;
        this.kernel = kernel;
    }

    /** A {@code __global} buffer argument. */
    public ClLaunch arg(ClBuffer buffer) {
        if (buffer.context() != context) {
            throw new IllegalArgumentException(name + ": argument " + args.size() + " is a buffer of another context");
        }
        args.add(buffer);
        return this;
    }

    /** An {@code int} argument. */
    public ClLaunch arg(int value) {
        args.add(new int[] {value});
        return this;
    }

    /** A {@code long} argument. */
    public ClLaunch arg(long value) {
        args.add(new long[] {value});
        return this;
    }

    /** A {@code float} argument. */
    public ClLaunch arg(float value) {
        args.add(new float[] {value});
        return this;
    }

    /** A {@code long8} argument (at most 8 values; the rest are zero), e.g. a shape or strides. */
    public ClLaunch argLong8(long[] values) {
        if (values.length > 8) {
            throw new IllegalArgumentException(name + ": a long8 holds at most 8 values, got " + values.length);
        }
        long[] v = new long[8];
        System.arraycopy(values, 0, v, 0, values.length);
        args.add(v);
        return this;
    }

    /** A {@code __local} memory argument of {@code bytes} bytes. */
    public ClLaunch local(long bytes) {
        args.add(new Local(bytes));
        return this;
    }

    /**
     * Sets the arguments and enqueues the kernel.
     *
     * @param global global work size per dimension (each a multiple of the local size when given)
     * @param local  work-group size per dimension, or null to let the driver choose
     */
    public void run(long[] global, long[] local) {
        synchronized (kernel) {
            for (int i = 0; i < args.size(); i++) {
                switch (args.get(i)) {
                    case ClBuffer b -> clSetKernelArg(kernel, i, Sizeof.cl_mem, Pointer.to(b.mem()));
                    case int[] v -> clSetKernelArg(kernel, i, Sizeof.cl_int, Pointer.to(v));
                    case long[] v -> clSetKernelArg(kernel, i, (long) Sizeof.cl_long * v.length, Pointer.to(v));
                    case float[] v -> clSetKernelArg(kernel, i, Sizeof.cl_float, Pointer.to(v));
                    case Local l -> clSetKernelArg(kernel, i, l.bytes(), null);
                    default -> throw new AssertionError(args.get(i));
                }
            }
            context.enqueue(kernel, name, global, local);
        }
    }
}
