package dev.jacobi.tensor.io;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.jacobi.tensor.io.IoTestSupport.LAYOUTS;
import static dev.jacobi.tensor.io.IoTestSupport.elementBytes;
import static dev.jacobi.tensor.io.IoTestSupport.randomTensor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * Writing then reading a {@code .safetensors} file gives back the same names in the same order,
 * dtypes, shapes, element bits and metadata (reference: the source tensors' own bytes and the
 * metadata map; tolerance zero, the format stores bits).
 */
class SafeTensorsRoundTripTests {
    /** Every dtype safetensors has. */
    private static final List<DType> DTYPES = Arrays.stream(DType.values()).filter(d -> d != DType.COMPLEX128).toList();

    @TempDir
    Path dir;

    @Test
    void writeThenReadKeepsNamesOrderBitsAndMetadata() {
        qt().withExamples(150).forAll(
                integers().between(0, 6),
                integers().between(0, 3),
                longs().all()
        ).checkAssert((count, metadataCount, seed) -> {
            Random random = new Random(seed);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                int[] shape = new int[random.nextInt(4)];
                Arrays.setAll(shape, d -> random.nextInt(5));
                DType dtype = DTYPES.get(random.nextInt(DTYPES.size()));
                tensors.put(randomName(random), randomTensor(dtype, shape, LAYOUTS.get(random.nextInt(LAYOUTS.size())), random));
            }
            Map<String, String> metadata = new LinkedHashMap<>();
            for (int i = 0; i < metadataCount; i++) {
                metadata.put(randomName(random), randomName(random));
            }
            Path file = dir.resolve("t.safetensors");
            SafeTensors.write(file, tensors, metadata);
            Map<String, Tensor> read = SafeTensors.read(file);
            assertThat(read.keySet()).containsExactlyElementsOf(tensors.keySet());
            tensors.forEach((name, t) -> {
                assertThat(read.get(name).dtype()).isEqualTo(t.dtype());
                assertThat(read.get(name).shape()).isEqualTo(t.shape());
                assertThat(elementBytes(read.get(name))).as(name).isEqualTo(elementBytes(t));
            });
            assertThat(SafeTensors.readMetadata(file)).containsExactlyEntriesOf(metadata);
        });
    }

    @Test
    void writesTheSpecificationsExampleByteForByte() throws IOException {
        // The one-tensor example of the format: a 64-byte header (already a multiple of 8), then 24 bytes.
        Path file = dir.resolve("example.safetensors");
        SafeTensors.write(file, Map.of("attn.0", Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 1, 2, 3)));
        String json = "{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}";
        ByteBuffer expected = ByteBuffer.allocate(8 + 64 + 24).order(ByteOrder.LITTLE_ENDIAN);
        expected.putLong(64).put(json.getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 6; i++) {
            expected.putFloat(i);
        }
        assertThat(Files.readAllBytes(file)).isEqualTo(expected.array());
    }

    @Test
    void headerIsPaddedWithSpacesToAMultipleOf8() throws IOException {
        Path file = dir.resolve("pad.safetensors");
        SafeTensors.write(file, Map.of("x", Tensor.zeros(DType.INT8, 3)), Map.of("k", "v"));
        byte[] bytes = Files.readAllBytes(file);
        long length = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(length % 8).isZero();
        String header = new String(bytes, 8, (int) length, StandardCharsets.UTF_8);
        assertThat(header.stripTrailing()).isEqualTo(
                "{\"__metadata__\":{\"k\":\"v\"},\"x\":{\"dtype\":\"I8\",\"shape\":[3],\"data_offsets\":[0,3]}}");
        assertThat(header.substring(header.stripTrailing().length())).matches(" *");
    }

    @Test
    void largeFilesAreMappedAndEveryWrittenTensorIsAlignedSoNoneIsCopied() {
        // Mixed element sizes in an order that would misalign them if written as given.
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Random random = new Random(5);
        tensors.put("flag", randomTensor(DType.BOOL, new int[] {3}, "contiguous", random));
        tensors.put("half", randomTensor(DType.BFLOAT16, new int[] {5}, "contiguous", random));
        tensors.put("big", randomTensor(DType.FLOAT64, new int[] {400, 400}, "contiguous", random));
        tensors.put("int", randomTensor(DType.INT32, new int[] {7}, "contiguous", random));
        tensors.put("phase", randomTensor(DType.COMPLEX64, new int[] {3}, "contiguous", random));
        Path file = dir.resolve("large.safetensors");
        SafeTensors.write(file, tensors);
        Map<String, Tensor> read = SafeTensors.read(file);
        tensors.forEach((name, t) -> {
            assertThat(read.get(name).storage().segment().isMapped()).as(name + " views the mapping").isTrue();
            assertThat(elementBytes(read.get(name))).as(name).isEqualTo(elementBytes(t));
        });
    }

    @Test
    void complex128AndTheReservedNameAreRefusedBeforeTheFileIsTouched() {
        Path file = dir.resolve("bad.safetensors");
        assertThatThrownBy(() -> SafeTensors.write(file, Map.of("z", Tensor.zeros(DType.COMPLEX128, 2))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tensor 'z'").hasMessageContaining("complex128").hasMessageContaining("COMPLEX64");
        assertThatThrownBy(() -> SafeTensors.write(file, Map.of("__metadata__", Tensor.zeros(DType.FLOAT32, 2))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reserved");
        assertThat(file).doesNotExist();
    }

    /** Names mixing ASCII, quotes, backslashes, control characters and non-BMP characters. */
    private static String randomName(Random random) {
        String[] pieces = {"w", "layer.0", "\"", "\\", "\n", "\u0001", "é", "😀", " ", "/", "__", "x"};
        StringBuilder sb = new StringBuilder();
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            sb.append(pieces[random.nextInt(pieces.length)]);
        }
        return sb.append(random.nextInt(1000)).toString();
    }
}
