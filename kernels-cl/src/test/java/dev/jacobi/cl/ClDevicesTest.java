package dev.jacobi.cl;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Discovery and choice of devices, on whatever platform the machine has (PoCL in CI). */
class ClDevicesTest {
    @Test
    void availabilityNamesTheDevicesFound() {
        ClTestSupport.context();
        ClAvailability a = ClDevices.availability();
        assertThat(a.available()).isTrue();
        for (ClDevice d : ClDevices.all()) {
            assertThat(a.message()).contains(d.name());
        }
    }

    @Test
    void bestPrefersGpuThenAcceleratorThenCpu() {
        ClTestSupport.context();
        List<ClDevice> all = ClDevices.all();
        ClDeviceType bestType = ClDevices.best().type();
        assertThat(all).allSatisfy(d -> assertThat(d.type().compareTo(bestType)).isGreaterThanOrEqualTo(0));
        assertThat(ClDeviceType.GPU).isLessThan(ClDeviceType.ACCELERATOR);
        assertThat(ClDeviceType.ACCELERATOR).isLessThan(ClDeviceType.CPU);
    }

    @Test
    void byNameFindsADeviceBySubstringIgnoringCase() {
        ClTestSupport.context();
        ClDevice first = ClDevices.all().get(0);
        String part = first.name().substring(0, Math.min(4, first.name().length())).toUpperCase();
        assertThat(ClDevices.byName(part).name().toUpperCase()).contains(part);
    }

    @Test
    void unknownNameListsTheDevicesThereAre() {
        ClTestSupport.context();
        assertThatThrownBy(() -> ClDevices.byName("no-such-device-xyz"))
                .isInstanceOf(OpenClUnavailableException.class)
                .hasMessageContaining("no-such-device-xyz")
                .hasMessageContaining(ClDevices.all().get(0).name());
    }

    @Test
    void devicesReportTheLimitsKernelsNeed() {
        ClTestSupport.context();
        for (ClDevice d : ClDevices.all()) {
            assertThat(d.maxWorkGroupSize()).isPositive();
            assertThat(d.localMemBytes()).isPositive();
            assertThat(d.computeUnits()).isPositive();
            assertThat(d.driverVersion()).isNotBlank();
        }
    }
}
