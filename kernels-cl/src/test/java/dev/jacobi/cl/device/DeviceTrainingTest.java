package dev.jacobi.cl.device;

import dev.jacobi.cl.ClTestSupport;
import dev.jacobi.cl.OpenClDevice;
import dev.jacobi.nn.Layer;
import dev.jacobi.nn.Module;
import dev.jacobi.nn.Sequential;
import dev.jacobi.nn.attention.AttentionOptions;
import dev.jacobi.nn.layers.GELU;
import dev.jacobi.nn.layers.Linear;
import dev.jacobi.nn.layers.Tanh;
import dev.jacobi.nn.layers.TransformerBlock;
import dev.jacobi.nn.optim.Adam;
import dev.jacobi.nn.optim.AdamW;
import dev.jacobi.tensor.Device;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Autograd on device tensors: the same models, built from the same seed, trained one step on the CPU and
 * on the OpenCL device, must agree — loss, every parameter's gradient, the input's gradient (which crosses
 * a {@code to(device)} in the graph) and the parameters after an AdamW step.
 *
 * <p>Tolerance: 2e-5 absolute plus 2e-4 relative. Both sides compute in float32 but sum in different
 * orders (tiled GEMM and tree reductions on the device, blocked SIMD loops on the CPU), and a backward pass
 * chains a few dozen such sums: measured differences are around 1e-6, well inside. The optimizer runs with
 * eps 1e-3 instead of 1e-8: on a first step Adam moves each weight by lr * g / (|g| + eps), which for
 * eps near 0 is lr * sign(g) and turns a rounding-level gradient difference near g = 0 into a full step;
 * with eps 1e-3 a gradient difference d changes the weight by at most lr * d / eps.
 */
class DeviceTrainingTest {
    private static final double ABS = 2e-5;
    private static final double REL = 2e-4;

    @Test
    void mlpGradientsOnTheDeviceEqualTheCpuGradients() {
        OpenClDevice dev = DeviceTensors.device();
        Function<Long, Module> make = seed -> {
            Generator g = Generator.seeded(seed);
            return Sequential.of(Linear.of(6, 16, g), Tanh.create(), Linear.of(16, 8, g), GELU.exact(), Linear.of(8, 3, g));
        };
        trainOneStepAlike(dev, make, 5, new int[] {7, 6}, new int[] {7, 3}, AdamW.options(1e-2).withEps(1e-3));
    }

    @Test
    void transformerBlockTrainsOneStepOnTheDeviceAsOnTheCpu() {
        OpenClDevice dev = DeviceTensors.device();
        Function<Long, Module> make = seed -> TransformerBlock.of(16, 2, AttentionOptions.causalMask(), Generator.seeded(seed));
        trainOneStepAlike(dev, make, 9, new int[] {2, 8, 16}, new int[] {2, 8, 16}, AdamW.options(1e-2).withEps(1e-3));
    }

    /**
     * Builds the model twice from {@code seed}, moves one copy to the device, runs forward, an MSE loss,
     * backward and one AdamW step on both, and compares.
     */
    private static void trainOneStepAlike(Device dev, Function<Long, Module> make, long seed, int[] inShape, int[] outShape,
                                          Adam.Options options) {
        Generator data = Generator.seeded(seed + 1000);
        Tensor x = Tensor.randn(data, inShape);
        Tensor target = Tensor.randn(data, outShape);

        Module cpuModel = make.apply(seed);
        Tensor xCpu = x.detach().requiresGrad(true);
        Tensor cpuLoss = ((Layer) cpuModel).forward(xCpu).sub(target).square().mean();
        cpuLoss.backward();

        Module devModel = make.apply(seed).to(dev);
        assertThat(devModel.parameters()).allSatisfy(p -> {
            assertThat(p.device()).isEqualTo(dev);
            assertThat(p.isLeaf() && p.requiresGrad()).isTrue();
        });
        Tensor xDev = x.detach().requiresGrad(true);
        Tensor devLoss = ((Layer) devModel).forward(xDev.to(dev)).sub(target.to(dev)).square().mean();
        assertThat(devLoss.device()).isEqualTo(dev);
        devLoss.backward();

        ClTestSupport.assertClose(devLoss.toCpu(), cpuLoss, ABS, REL, "loss");
        assertThat(xDev.grad().device()).as("the input's gradient comes back through to(device)").isEqualTo(Device.CPU);
        ClTestSupport.assertClose(xDev.grad(), xCpu.grad(), ABS, REL, "input gradient");
        Map<String, Tensor> cpuParams = cpuModel.namedParameters();
        Map<String, Tensor> devParams = devModel.namedParameters();
        assertThat(devParams.keySet()).isEqualTo(cpuParams.keySet());
        for (String name : cpuParams.keySet()) {
            Tensor g = devParams.get(name).grad();
            assertThat(g).as("gradient of " + name).isNotNull();
            assertThat(g.device()).isEqualTo(dev);
            ClTestSupport.assertClose(g.toCpu(), cpuParams.get(name).grad(), ABS, REL, "gradient of " + name);
        }

        AdamW.of(cpuModel.parameters(), options).step();
        AdamW.of(devModel.parameters(), options).step();
        for (String name : cpuParams.keySet()) {
            Tensor p = devModel.namedParameters().get(name);
            assertThat(p.device()).isEqualTo(dev);
            ClTestSupport.assertClose(p.toCpu(), cpuModel.namedParameters().get(name), ABS, REL, "parameter " + name + " after a step");
        }
    }
}
