package dev.jacobi.algorithms.flow;

import dev.jacobi.nn.data.Dataset;
import dev.jacobi.nn.train.TrainingHistory;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Training a TarFlow on a user's {@code .npy} image stack ({@link TarFlowTraining#npyImages}). */
class NpyImageTrainingTest {
    @TempDir
    Path dir;

    /** A uint8 {@code .npy} file (numpy.save's layout), which Jacobi cannot write itself. */
    private Path uint8Npy(String name, int[] shape, byte[] data) throws IOException {
        StringBuilder dims = new StringBuilder();
        for (int d : shape) {
            dims.append(d).append(", ");
        }
        String header = "{'descr': '|u1', 'fortran_order': False, 'shape': (" + dims.toString().strip() + "), }";
        int padding = 64 - (10 + header.length() + 1) % 64;
        String text = header + " ".repeat(padding) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + text.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) text.length());
        b.put(text.getBytes(StandardCharsets.ISO_8859_1)).put(data);
        Path path = dir.resolve(name);
        Files.write(path, b.array());
        return path;
    }

    @Test
    void channelsLastUint8StackLoadsScaledAndTrains() throws IOException {
        int n = 24;
        byte[] pixels = new byte[n * 8 * 8];
        new Random(3).nextBytes(pixels);
        Path images = uint8Npy("images.npy", new int[] {n, 8, 8, 1}, pixels);
        Dataset data = TarFlowTraining.npyImages(images, null);
        assertThat(data.features().shape()).containsExactly(n, 1, 8, 8);
        assertThat(data.features().dtype()).isEqualTo(DType.FLOAT32);
        // Element (i, 0, r, c) is byte i*64 + r*8 + c of the file, divided by 255 (float32 rounding).
        for (int i : new int[] {0, 7, n - 1}) {
            for (int r : new int[] {0, 5}) {
                int c = (3 * i + r) % 8;
                double expected = Byte.toUnsignedInt(pixels[i * 64 + r * 8 + c]) / 255.0;
                assertThat(data.features().getDouble(i, 0, r, c)).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-7));
            }
        }
        TarFlow model = TarFlow.create(TarFlowTraining.digitsConfig(16, 2, 1, 8, false), Generator.seeded(1));
        TrainingHistory history = TarFlowTraining.train(model, data, TarFlowTraining.Settings.of(1, 8, 1e-3), b -> b);
        assertThat(history.stepsRun()).isEqualTo(3);
        assertThat(history.stepLosses().getLast()).isFinite();
    }

    @Test
    void labelsAndBadArraysAreCheckedWithClearMessages() throws IOException {
        Path images = uint8Npy("ok.npy", new int[] {4, 8, 8}, new byte[4 * 64]);
        Path labels = dir.resolve("labels.npy");
        Npy.write(labels, Tensor.ofInts(new int[] {0, 1, 2, 3}, 4));
        assertThat(TarFlowTraining.npyImages(images, labels).labels().toIntArray()).containsExactly(0, 1, 2, 3);

        Path short3 = dir.resolve("short.npy");
        Npy.write(short3, Tensor.ofInts(new int[] {0, 1, 2}, 3));
        assertThatThrownBy(() -> TarFlowTraining.npyImages(images, short3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected 4 integer labels");

        Path bright = dir.resolve("bright.npy");
        Npy.write(bright, Tensor.of(new double[] {0, 0.5, 2, 1}, 1, 2, 2).to(DType.FLOAT32));
        assertThatThrownBy(() -> TarFlowTraining.npyImages(bright, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0, 1]").hasMessageContaining("2.0");

        Path flat = dir.resolve("flat.npy");
        Npy.write(flat, Tensor.zeros(DType.FLOAT32, 4, 64));
        assertThatThrownBy(() -> TarFlowTraining.npyImages(flat, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[4, 64]");
    }
}
