package dev.jacobi.bench.jmh;

import dev.jacobi.algorithms.bitnet.kernels.PackedTernary;
import dev.jacobi.cl.ClContext;
import dev.jacobi.cl.ClDevices;
import dev.jacobi.cl.ClTensor;
import dev.jacobi.cl.ops.ClGemm;
import dev.jacobi.cl.ops.ClTernaryGemm;
import dev.jacobi.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The OpenCL I2_S ternary product ({@link ClTernaryGemm}) against the float32 device product
 * ({@link ClGemm}, {@code x Wᵀ} with W [out, in] read transposed in place) on the same weights, on the
 * shared context's device (PoCL on a machine without a GPU). Each call waits for the device
 * ({@link ClContext#finish()}); inputs stay on the device, the output is allocated and freed per call.
 * The packed weights come from {@link PackedTernary#i2s}: its {@code data()} bytes are copied to the
 * device as they are.
 *
 * <pre>{@code
 * java -cp bench/target/classes:$(cat bench/target/classpath.txt) org.openjdk.jmh.Main ClTernaryGemmBenchmark -f 1 -wi 2 -i 3
 * }</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx3g"})
@State(Scope.Benchmark)
public class ClTernaryGemmBenchmark {
    /** Weight shape, out x in. */
    @Param({"4096x4096"})
    public String shape;
    /** Activation rows. */
    @Param({"1"})
    public int batch;

    ClContext ctx;
    PackedTernary.I2S packed;
    ClTensor packedOnDevice;
    ClTensor xInt8;
    ClTensor weightsFloat32;
    ClTensor xFloat32;

    /** Random codes and activations, on the device in both forms. */
    @Setup(Level.Trial)
    public void setUp() {
        if (!ClDevices.availability().available()) {
            throw new IllegalStateException("no OpenCL device: " + ClDevices.availability().message());
        }
        String[] parts = shape.split("x");
        int out = Integer.parseInt(parts[0]);
        int in = Integer.parseInt(parts[1]);
        SplittableRandom rnd = new SplittableRandom(42);
        byte[] codes = new byte[out * in];
        float[] w = new float[out * in];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = (byte) (rnd.nextInt(3) - 1);
            w[i] = codes[i];
        }
        byte[] x = new byte[batch * in];
        float[] xf = new float[batch * in];
        for (int i = 0; i < x.length; i++) {
            x[i] = (byte) (rnd.nextInt(255) - 127);
            xf[i] = x[i];
        }
        ctx = ClContext.shared();
        packed = PackedTernary.i2s(Tensor.ofBytes(codes, out, in));
        packedOnDevice = ClTensor.from(ctx, packed.data());
        xInt8 = ClTensor.from(ctx, Tensor.ofBytes(x, batch, in));
        weightsFloat32 = ClTensor.from(ctx, Tensor.of(w, out, in));
        xFloat32 = ClTensor.from(ctx, Tensor.of(xf, batch, in));
    }

    /** Frees the device tensors. */
    @TearDown(Level.Trial)
    public void tearDown() {
        packedOnDevice.close();
        xInt8.close();
        weightsFloat32.close();
        xFloat32.close();
    }

    /** The I2_S kernel. */
    @Benchmark
    public void ternaryI2S() {
        try (ClTensor y = ClTernaryGemm.multiplyI2S(packedOnDevice, packed.rows(), packed.cols(), xInt8)) {
            ctx.finish();
        }
    }

    /** The float32 device GEMM/GEMV on the same values. */
    @Benchmark
    public void float32() {
        try (ClTensor y = ClGemm.matmul(xFloat32, weightsFloat32.mT())) {
            ctx.finish();
        }
    }
}
