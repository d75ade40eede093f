package dev.jacobi.cl.device;

import dev.jacobi.cl.OpenClDevice;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.ops.UnaryOp;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The errors of device tensors: they name the op and the devices, and nothing moves silently. */
class DeviceErrorsTest {
    @Test
    void mixingCpuAndDeviceTensorsIsAnErrorNamingBothDevices() {
        OpenClDevice dev = DeviceTensors.device();
        Tensor onDev = Tensor.ones(DType.FLOAT32, 2, 3).to(dev);
        Tensor onCpu = Tensor.ones(DType.FLOAT32, 2, 3);
        assertThatThrownBy(() -> onDev.add(onCpu)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("add:", "different devices", dev.name(), "cpu", "[2, 3]");
        assertThatThrownBy(() -> onCpu.matmul(onDev.mT())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("matmul:", dev.name(), "cpu");
        assertThatThrownBy(() -> onCpu.copyFrom(onDev)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("copy:", dev.name(), "toCpu()");
        // a 0-d CPU tensor is a scalar and follows the device operand
        assertThat(onDev.add(Tensor.scalar(DType.FLOAT32, 2)).toCpu().toFloatArray()).containsOnly(3f);
    }

    @Test
    void opsWithoutADeviceKernelSaySoAndNameTheDevice() {
        OpenClDevice dev = DeviceTensors.device();
        Tensor onDev = Tensor.ones(DType.FLOAT32, 2, 3).to(dev);
        assertThatThrownBy(() -> onDev.argmax(1, false)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContainingAll("argmax", dev.name(), "toCpu()");
        assertThatThrownBy(() -> Tensor.concat(List.of(onDev, onDev), 0)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContainingAll("concat", dev.name());
        assertThatThrownBy(() -> onDev.apply(UnaryOp.ANGLE))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContainingAll("angle", dev.name());
        assertThatThrownBy(() -> Tensor.ones(DType.FLOAT64, 2).to(dev)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContainingAll("float64", dev.name());
    }

    @Test
    void hostMemoryAccessOnADeviceTensorThrowsAndPointsToToCpu() {
        OpenClDevice dev = DeviceTensors.device();
        Tensor onDev = Tensor.ones(DType.FLOAT32, 2, 3).to(dev);
        assertThatThrownBy(() -> onDev.storage().segment()).isInstanceOf(IllegalStateException.class)
                .hasMessageContainingAll(dev.name(), "toCpu()");
        assertThatThrownBy(() -> onDev.getDouble(0, 0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContainingAll(dev.name(), "toCpu()");
        assertThat(onDev.toString()).contains("device=" + dev.name()).contains("[2, 3]");
        assertThat(onDev.toCpu().getDouble(1, 2)).isEqualTo(1.0);
    }
}
