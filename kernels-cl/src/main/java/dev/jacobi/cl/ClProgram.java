package dev.jacobi.cl;

import org.jocl.cl_kernel;
import org.jocl.cl_program;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.jocl.CL.clCreateKernel;
import static org.jocl.CL.clReleaseKernel;
import static org.jocl.CL.clReleaseProgram;

/** A program built for one device (see {@link ClKernels}); hands out launches of its kernels. */
public final class ClProgram {
    private final ClContext context;
    private final String name;
    private final cl_program program;
    private final Map<String, cl_kernel> kernels = new ConcurrentHashMap<>();

    ClProgram(ClContext context, String name, cl_program program) {
        this.context = context;
        this.name = name;
        this.program = program;
    }

    /** The resource or source name the program was built from. */
    public String name() {
        return name;
    }

    /** The context it was built in. */
    public ClContext context() {
        return context;
    }

    /**
     * A launch of kernel {@code kernel}: add its arguments in order, then {@link ClLaunch#run}.
     *
     * @throws org.jocl.CLException when the program has no such kernel (CL_INVALID_KERNEL_NAME)
     */
    public ClLaunch launch(String kernel) {
        return new ClLaunch(context, kernel, kernels.computeIfAbsent(kernel, k -> clCreateKernel(program, k, null)));
    }

    void release() {
        kernels.values().forEach(k -> clReleaseKernel(k));
        kernels.clear();
        clReleaseProgram(program);
    }
}
