package dev.jacobi.nn.data;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.io.SafeTensors;
import dev.jacobi.tensor.io.TensorFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Checkpoints: a save/load round trip gives back every tensor bit for bit (dtype, shape, values) and
 * the step, epoch, loss and extra metadata exactly; overwriting replaces the file without leaving
 * temporary files, a refused save leaves the previous checkpoint intact, numbered checkpoints keep the
 * latest few, and files without the metadata are reported.
 */
class CheckpointsTest {

    private static Map<String, Tensor> state(long seed) {
        Generator gen = Generator.seeded(seed);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("layers.0.weight", gen.normal(DType.FLOAT32, 0, 1, 16, 8));
        tensors.put("layers.0.bias", gen.normal(DType.FLOAT32, 0, 1, 16));
        tensors.put("optimizer.step_sizes", gen.normal(DType.FLOAT64, 0, 1, 3));
        tensors.put("embedding.weight", gen.normal(DType.BFLOAT16, 0, 1, 5, 4));
        tensors.put("token_counts", gen.randint(0, 100, 7));
        return tensors;
    }

    @Test
    void roundTripGivesBackTensorsAndMetadataExactly(@TempDir Path dir) {
        Path file = dir.resolve("run.safetensors");
        Map<String, Tensor> tensors = state(7);
        // A loss whose shortest decimal has 17 digits, and NaN: both must come back exactly.
        for (double loss : new double[] {0.1 + 0.2, Double.NaN}) {
            Checkpoints.save(file, new Checkpoints.Checkpoint(tensors, 1234, 5, loss, Map.of("model", "mlp-64-256-10")));
            Checkpoints.Checkpoint back = Checkpoints.load(file);
            assertThat(back.step()).isEqualTo(1234);
            assertThat(back.epoch()).isEqualTo(5);
            assertThat(Double.doubleToRawLongBits(back.loss())).isEqualTo(Double.doubleToRawLongBits(loss));
            assertThat(back.metadata()).containsExactly(Map.entry("model", "mlp-64-256-10"));
            assertSameTensors(back.tensors(), tensors);
        }
        // A plain safetensors reader sees the metadata under the documented keys.
        assertThat(SafeTensors.readMetadata(file)).containsEntry(Checkpoints.STEP, "1234")
                .containsEntry(Checkpoints.EPOCH, "5").containsEntry(Checkpoints.LOSS, "NaN");
    }

    @Test
    void overwritingReplacesTheFileAndLeavesNoTemporaryFiles(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("ckpt.safetensors");
        Checkpoints.save(file, new Checkpoints.Checkpoint(state(1), 1, 0, 2.0));
        Checkpoints.Checkpoint first = Checkpoints.load(file);
        Checkpoints.save(file, new Checkpoints.Checkpoint(state(2), 2, 0, 1.0));
        assertThat(Checkpoints.load(file).step()).isEqualTo(2);
        assertSameTensors(Checkpoints.load(file).tensors(), state(2));
        // Tensors loaded before the overwrite still hold the old values.
        assertSameTensors(first.tensors(), state(1));
        assertThat(listing(dir)).containsExactly("ckpt.safetensors");
    }

    @Test
    void refusedSaveLeavesThePreviousCheckpointIntact(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("ckpt.safetensors");
        Checkpoints.save(file, new Checkpoints.Checkpoint(state(1), 10, 1, 0.5));
        byte[] before = Files.readAllBytes(file);
        Map<String, Tensor> bad = new LinkedHashMap<>(state(2));
        bad.put("z", Tensor.zeros(DType.COMPLEX128, 2));
        assertThatThrownBy(() -> Checkpoints.save(file, new Checkpoints.Checkpoint(bad, 11, 1, 0.4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("complex128");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        assertThat(listing(dir)).containsExactly("ckpt.safetensors");
    }

    @Test
    void numberedCheckpointsKeepTheLatestAndFindTheNewest(@TempDir Path dir) throws IOException {
        Path run = dir.resolve("run");
        assertThat(Checkpoints.latest(run)).isEmpty();
        for (long step : new long[] {5, 100, 20, 1_000_000_000_000L, 7}) {
            Checkpoints.saveNumbered(run, new Checkpoints.Checkpoint(state(step), step, 0, 1.0 / step), 3);
        }
        // Kept: the three highest steps, whatever the order they were saved in.
        assertThat(listing(run)).containsExactlyInAnyOrder("checkpoint-000000000020.safetensors",
                "checkpoint-000000000100.safetensors", "checkpoint-1000000000000.safetensors");
        Path latest = Checkpoints.latest(run).orElseThrow();
        assertThat(latest.getFileName().toString()).isEqualTo("checkpoint-1000000000000.safetensors");
        assertThat(Checkpoints.load(latest).step()).isEqualTo(1_000_000_000_000L);
    }

    @Test
    void filesWithoutCheckpointMetadataAreReported(@TempDir Path dir) {
        Path file = dir.resolve("weights.safetensors");
        SafeTensors.write(file, state(3), Map.of(Checkpoints.STEP, "12", Checkpoints.EPOCH, "-1"));
        assertThatThrownBy(() -> Checkpoints.load(file)).isInstanceOf(TensorFormatException.class)
                .hasMessage(file + ": metadata jacobi.epoch is '-1', not an integer >= 0");
        SafeTensors.write(file, state(3));
        assertThatThrownBy(() -> Checkpoints.load(file)).isInstanceOf(TensorFormatException.class)
                .hasMessage(file + ": no 'jacobi.step' in the metadata; it is not a checkpoint written by Checkpoints.save");
        assertThatThrownBy(() -> new Checkpoints.Checkpoint(Map.of(), 0, 0, 0, Map.of("jacobi.mine", "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'jacobi.mine'");
    }

    private static void assertSameTensors(Map<String, Tensor> actual, Map<String, Tensor> expected) {
        assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
        expected.forEach((name, t) -> {
            Tensor a = actual.get(name);
            assertThat(a.dtype()).as(name).isEqualTo(t.dtype());
            assertThat(a.shape()).as(name).containsExactly(t.shape());
            // Compared as doubles: exact for every dtype here (float64 itself, and widening is exact).
            assertThat(a.toDoubleArray()).as(name).containsExactly(t.toDoubleArray());
        });
    }

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
