package dev.jacobi.tensor.io;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static dev.jacobi.tensor.io.IoTestSupport.LAYOUTS;
import static dev.jacobi.tensor.io.IoTestSupport.elementBytes;
import static dev.jacobi.tensor.io.IoTestSupport.randomTensor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * Writing then reading an {@code .npz} file, stored or compressed, gives back the same names in the
 * same order with the same dtypes, shapes and element bits (reference: the source tensors' own bytes;
 * tolerance zero, the format stores bits).
 */
class NpzRoundTripTests {
    private static final List<DType> DTYPES = Arrays.stream(DType.values()).filter(d -> d != DType.BFLOAT16).toList();

    @TempDir
    Path dir;

    @Test
    void writeThenReadKeepsNamesOrderAndBits() {
        qt().withExamples(100).forAll(
                integers().between(0, 5),
                booleans().all(),
                longs().all()
        ).checkAssert((count, compressed, seed) -> {
            Random random = new Random(seed);
            Map<String, Tensor> arrays = randomArrays(count, random);
            Path file = dir.resolve("a.npz");
            if (compressed) {
                Npz.writeCompressed(file, arrays);
            } else {
                Npz.write(file, arrays);
            }
            Map<String, Tensor> read = Npz.read(file);
            assertThat(read.keySet()).containsExactlyElementsOf(arrays.keySet());
            arrays.forEach((name, t) -> {
                assertThat(read.get(name).dtype()).isEqualTo(t.dtype());
                assertThat(read.get(name).shape()).isEqualTo(t.shape());
                assertThat(elementBytes(read.get(name))).as(name).isEqualTo(elementBytes(t));
            });
        });
    }

    @Test
    void writeStoresEntriesAndWriteCompressedDeflatesThemAsNumpyDoes() throws IOException {
        Map<String, Tensor> arrays = randomArrays(3, new Random(3));
        Path stored = dir.resolve("stored.npz");
        Path deflated = dir.resolve("deflated.npz");
        Npz.write(stored, arrays);
        Npz.writeCompressed(deflated, arrays);
        for (Path file : List.of(stored, deflated)) {
            try (ZipFile zip = new ZipFile(file.toFile())) {
                List<String> names = zip.stream().map(ZipEntry::getName).toList();
                assertThat(names).containsExactlyElementsOf(arrays.keySet().stream().map(n -> n + ".npy").toList());
                int method = file == stored ? ZipEntry.STORED : ZipEntry.DEFLATED;
                assertThat(zip.stream().map(ZipEntry::getMethod)).allMatch(m -> m == method);
                // Each entry is exactly the .npy file of its array.
                for (Map.Entry<String, Tensor> e : arrays.entrySet()) {
                    byte[] entry = zip.getInputStream(zip.getEntry(e.getKey() + ".npy")).readAllBytes();
                    assertThat(entry).isEqualTo(Npy.toBytes(e.getValue()));
                }
            }
        }
    }

    @Test
    void equalArraysGiveEqualFiles() throws IOException {
        Map<String, Tensor> arrays = randomArrays(2, new Random(4));
        Npz.writeCompressed(dir.resolve("1.npz"), arrays);
        Npz.writeCompressed(dir.resolve("2.npz"), arrays);
        assertThat(Files.readAllBytes(dir.resolve("1.npz"))).isEqualTo(Files.readAllBytes(dir.resolve("2.npz")));
    }

    @Test
    void bfloat16IsRefusedNamingTheArray() {
        Map<String, Tensor> arrays = new LinkedHashMap<>();
        arrays.put("ok", Tensor.zeros(DType.FLOAT32, 2));
        arrays.put("half", Tensor.zeros(DType.BFLOAT16, 2));
        Path file = dir.resolve("bf16.npz");
        assertThatThrownBy(() -> Npz.write(file, arrays))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Npz.write: array 'half'").hasMessageContaining("bfloat16");
        assertThat(file).doesNotExist();
    }

    /** {@code count} arrays of random dtypes, shapes (size-0 dims included) and layouts, named a0, a1, ... */
    private static Map<String, Tensor> randomArrays(int count, Random random) {
        Map<String, Tensor> arrays = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            int[] shape = new int[random.nextInt(4)];
            Arrays.setAll(shape, d -> random.nextInt(5));
            DType dtype = DTYPES.get(random.nextInt(DTYPES.size()));
            String layout = LAYOUTS.get(random.nextInt(LAYOUTS.size()));
            arrays.put("a" + (count - i) + (random.nextBoolean() ? "/sub" : ""), randomTensor(dtype, shape, layout, random));
        }
        return arrays;
    }
}
