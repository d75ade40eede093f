package dev.jacobi.tensor.io;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Scope;
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
import java.util.List;
import java.util.Random;

import static dev.jacobi.tensor.io.IoTestSupport.LAYOUTS;
import static dev.jacobi.tensor.io.IoTestSupport.elementBytes;
import static dev.jacobi.tensor.io.IoTestSupport.randomTensor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * Writing then reading a {@code .npy} file gives back the same dtype, shape and element bits.
 * Reference: the source tensor's own bytes, walked in C order by the test; tolerance zero, since the
 * format stores the bits unchanged.
 */
class NpyRoundTripTests {
    /** Every dtype NumPy has. */
    private static final List<DType> DTYPES = Arrays.stream(DType.values()).filter(d -> d != DType.BFLOAT16).toList();

    @TempDir
    Path dir;

    @Test
    void writeThenReadKeepsEveryBitForEveryDtypeShapeAndLayout() {
        qt().withExamples(300).forAll(
                integers().between(0, DTYPES.size() - 1),
                lists().of(integers().between(0, 4)).ofSizeBetween(0, 4),
                integers().between(0, LAYOUTS.size() - 1),
                longs().all()
        ).checkAssert((dtypeIndex, dims, layout, seed) -> {
            DType dtype = DTYPES.get(dtypeIndex);
            int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();
            Tensor source = randomTensor(dtype, shape, LAYOUTS.get(layout), new Random(seed));
            Path file = dir.resolve("t.npy");
            Npy.write(file, source);
            Tensor read = Npy.read(file);
            assertThat(read.dtype()).isEqualTo(dtype);
            assertThat(read.shape()).isEqualTo(shape);
            assertThat(elementBytes(read)).isEqualTo(elementBytes(source));
            Tensor fromBytes = Npy.fromBytes(Npy.toBytes(source));
            assertThat(fromBytes.shape()).isEqualTo(shape);
            assertThat(elementBytes(fromBytes)).isEqualTo(elementBytes(source));
        });
    }

    @Test
    void toBytesIsExactlyTheFileWriteWrites() throws IOException {
        Tensor t = randomTensor(DType.COMPLEX64, new int[] {3, 2}, "transposed", new Random(7));
        Path file = dir.resolve("c.npy");
        Npy.write(file, t);
        assertThat(Npy.toBytes(t)).isEqualTo(Files.readAllBytes(file));
    }

    @Test
    void dataStartsAtAMultipleOf64Bytes() {
        for (int rank = 0; rank < 8; rank++) {
            int[] shape = new int[rank];
            Arrays.fill(shape, 1);
            byte[] bytes = Npy.toBytes(Tensor.zeros(DType.FLOAT64, shape));
            assertThat((bytes.length - 8) % 64).as("rank %d", rank).isZero();
        }
    }

    @Test
    void largeFilesAreMappedWithoutCopyingAndWritesNeverReachTheFile() throws IOException {
        Tensor source = randomTensor(DType.FLOAT32, new int[] {600, 600}, "contiguous", new Random(1));
        Path file = dir.resolve("large.npy");
        Npy.write(file, source);
        byte[] before = Files.readAllBytes(file);
        assertThat(before.length).isGreaterThanOrEqualTo((int) TensorBytes.MAP_THRESHOLD);

        Tensor read = Npy.read(file);
        assertThat(read.storage().segment().isMapped()).isTrue();
        assertThat(elementBytes(read)).isEqualTo(elementBytes(source));
        read.set(12.5, 0, 0);
        assertThat(read.getDouble(0, 0)).isEqualTo(12.5);
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void overwritingAMappedFileLeavesTheTensorsReadFromItIntact() {
        Tensor first = randomTensor(DType.FLOAT64, new int[] {400, 400}, "contiguous", new Random(2));
        Path file = dir.resolve("reused.npy");
        Npy.write(file, first);
        Tensor mapped = Npy.read(file);
        Npy.write(file, Tensor.zeros(DType.INT8, 3));
        assertThat(elementBytes(mapped)).isEqualTo(elementBytes(first));
        assertThat(Npy.read(file).shape()).isEqualTo(new int[] {3});
    }

    @Test
    void smallFilesBelongToTheCurrentScopeAndMappedFilesToTheGarbageCollector() {
        Path small = dir.resolve("small.npy");
        Path large = dir.resolve("large.npy");
        Npy.write(small, Tensor.zeros(DType.FLOAT32, 10));
        Npy.write(large, Tensor.zeros(DType.FLOAT32, 300_000));
        Tensor fromSmall;
        Tensor fromLarge;
        try (Scope scope = Scope.open()) {
            fromSmall = Npy.read(small);
            fromLarge = Npy.read(large);
            assertThat(fromSmall.isAlive()).isTrue();
        }
        assertThat(fromSmall.isAlive()).isFalse();
        assertThat(fromLarge.isAlive()).isTrue();
        assertThat(fromLarge.getDouble(299_999)).isZero();
    }

    @Test
    void largeBigEndianAndFortranFilesGiveTheRightValues() throws IOException {
        // 512 x 640 float32 values v[i][j] = i * 1000 + j, written by hand in both unusual layouts.
        int rows = 512;
        int cols = 640;
        ByteBuffer bigEndian = ByteBuffer.allocate(rows * cols * 4).order(ByteOrder.BIG_ENDIAN);
        ByteBuffer fortran = ByteBuffer.allocate(rows * cols * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                bigEndian.putFloat((i * cols + j) * 4, i * 1000 + j);
                fortran.putFloat((j * rows + i) * 4, i * 1000 + j);
            }
        }
        Path be = dir.resolve("be.npy");
        Files.write(be, npyFile("{'descr': '>f4', 'fortran_order': False, 'shape': (512, 640), }", bigEndian.array()));
        Path f = dir.resolve("f.npy");
        Files.write(f, npyFile("{'descr': '<f4', 'fortran_order': True, 'shape': (512, 640), }", fortran.array()));

        Tensor fromBigEndian = Npy.read(be);
        Tensor fromFortran = Npy.read(f);
        assertThat(fromFortran.storage().segment().isMapped()).as("Fortran order is a view of the mapping").isTrue();
        float[] expected = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                expected[i * cols + j] = i * 1000 + j;
            }
        }
        for (Tensor t : List.of(fromBigEndian, fromFortran)) {
            assertThat(t.shape()).isEqualTo(new int[] {rows, cols});
            assertThat(t.toFloatArray()).isEqualTo(expected);
        }
    }

    @Test
    void misalignedDataIsCopiedNotWrapped() {
        // A hand-made header of odd length puts float64 data at an odd offset; reading must still work.
        byte[] data = new byte[16];
        ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).putDouble(1.5).putDouble(-2.25);
        String header = "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }";
        byte[] text = header.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer file = ByteBuffer.allocate(10 + text.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        file.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) text.length).put(text).put(data);
        assertThat((10 + text.length) % 8).isNotZero();
        assertThat(Npy.fromBytes(file.array()).toDoubleArray()).containsExactly(1.5, -2.25);
    }

    @Test
    void bfloat16IsRefusedWithAClearMessageBeforeTheFileIsTouched() {
        Path file = dir.resolve("bf16.npy");
        assertThatThrownBy(() -> Npy.write(file, Tensor.zeros(DType.BFLOAT16, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Npy.write").hasMessageContaining("bfloat16").hasMessageContaining("FLOAT32");
        assertThat(file).doesNotExist();
    }

    @Test
    void readingMissingFileGivesUncheckedIOException() {
        assertThatThrownBy(() -> Npy.read(dir.resolve("missing.npy")))
                .isInstanceOf(java.io.UncheckedIOException.class)
                .isNotInstanceOf(TensorFormatException.class)
                .hasMessageContaining("missing.npy");
    }

    /** A version 1.0 .npy file with the given header dict, padded so the data is 64-byte aligned. */
    static byte[] npyFile(String dict, byte[] data) {
        int unpadded = 10 + dict.length() + 1;
        int headerLength = dict.length() + 1 + (64 - unpadded % 64) % 64;
        ByteBuffer b = ByteBuffer.allocate(10 + headerLength + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) headerLength);
        b.put(dict.getBytes(StandardCharsets.ISO_8859_1));
        for (int i = dict.length(); i < headerLength - 1; i++) {
            b.put((byte) ' ');
        }
        b.put((byte) '\n').put(data);
        return b.array();
    }
}
