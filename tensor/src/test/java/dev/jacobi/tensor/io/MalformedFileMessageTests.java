package dev.jacobi.tensor.io;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static dev.jacobi.tensor.io.NpyRoundTripTests.npyFile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each kind of malformed file gives a {@link TensorFormatException} whose message starts with the
 * file name and says what is wrong (with the numbers involved), checked on hand-made files.
 */
class MalformedFileMessageTests {
    @TempDir
    Path dir;

    // ---------------------------------------------------------------- .npy

    @Test
    void npyWithoutMagicOrWithUnknownVersion() throws IOException {
        assertNpy("not a .npy file".getBytes(StandardCharsets.US_ASCII)).hasMessageContaining("does not start with \\x93NUMPY");
        assertNpy(new byte[] {(byte) 0x93, 'N', 'U'}).hasMessageContaining("truncated: 3 bytes");
        byte[] v4 = npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", new byte[4]);
        v4[6] = 4;
        assertNpy(v4).hasMessageContaining("unsupported .npy format version 4.0");
    }

    @Test
    void npyHeaderLengthBeyondTheFileOrTheLimit() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(200).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) 60000);
        assertNpy(b.array()).hasMessageContaining("header length 60000 exceeds the file size 200");
        b.put(6, (byte) 2).putInt(8, 0xFFFFFFF0);
        assertNpy(b.array()).hasMessageContaining("header length 4294967280 exceeds the limit of 1048576 bytes");
    }

    @Test
    void npyHeadersWithUnsupportedOrInvalidFields() throws IOException {
        assertNpy(npyFile("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }", new byte[8]))
                .hasMessageContaining("dtype '<i8' is not supported").hasMessageContaining("b1, i1, i4, f2, f4, f8, c8, c16");
        assertNpy(npyFile("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", new byte[4]))
                .hasMessageContaining("structured dtypes are not supported");
        assertNpy(npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (2, -1), }", new byte[0]))
                .hasMessageContaining("shape [2, -1]: dimension 1 is outside [0, 2147483647]");
        assertNpy(npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (2147483647, 2147483647, 2147483647), }", new byte[0]))
                .hasMessageContaining("too many elements");
        assertNpy(npyFile("{'descr': '<f4', 'shape': (1,), }", new byte[4]))
                .hasMessageContaining("expected exactly [descr, fortran_order, shape]");
        assertNpy(npyFile("{'descr': '<f4', 'fortran_order': 0, 'shape': (1,), }", new byte[4]))
                .hasMessageContaining("'fortran_order' is 0, expected True or False");
        assertNpy(npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': 3, }", new byte[12]))
                .hasMessageContaining("expected a tuple of integers");
    }

    @Test
    void npyHeaderSyntaxErrorsNameThePosition() throws IOException {
        assertNpy(npyFile("{'descr': '<f4' 'fortran_order': False, 'shape': (1,), }", new byte[4]))
                .hasMessageContaining("cannot parse the .npy header").hasMessageContaining("expected ',' or '}' at offset 16");
        assertNpy(npyFile("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (1,), }", new byte[4]))
                .hasMessageContaining("unexpected name 'Maybe'");
        assertNpy(npyFile("(".repeat(5000), new byte[0])).hasMessageContaining("nested deeper than");
    }

    @Test
    void npyWithTooLittleData() throws IOException {
        assertNpy(npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (1000,), }", new byte[100]))
                .hasMessageContaining("float64 array of shape [1000] needs 8000 bytes after the header, the file has 100");
    }

    // ---------------------------------------------------------------- .safetensors

    @Test
    void safetensorsHeaderLengthChecks() throws IOException {
        assertSafetensors(new byte[5]).hasMessageContaining("truncated: 5 bytes, shorter than the 8-byte header length");
        ByteBuffer b = ByteBuffer.allocate(1234).order(ByteOrder.LITTLE_ENDIAN).putLong(1_000_000_000_000L);
        assertSafetensors(b.array()).hasMessageContaining("header length 1000000000000 exceeds the limit of 100000000 bytes");
        b.putLong(0, -1);
        assertSafetensors(b.array()).hasMessageContaining("header length 18446744073709551615 exceeds the limit");
        b.putLong(0, 5000);
        assertSafetensors(b.array()).hasMessageContaining("header length 5000 exceeds the file size 1234");
    }

    @Test
    void safetensorsHeaderMustBeUtf8JsonObject() throws IOException {
        assertSafetensors(file(new byte[] {'{', (byte) 0xC3, '}'}, 0)).hasMessageContaining("not valid UTF-8");
        assertSafetensors(file("[1]", 0)).hasMessageContaining("does not start with '{'");
        assertSafetensors(file("{\"a\":1,}", 0)).hasMessageContaining("header JSON: unexpected '}', expected a string key at offset 7");
        assertSafetensors(file("{\"a\":{},\"a\":{}}", 0)).hasMessageContaining("duplicate key \"a\" at offset 8");
        assertSafetensors(file("{\"a\":" + "[".repeat(100_000), 0)).hasMessageContaining("nested deeper than 64 levels");
        assertSafetensors(file("{\"a\":\"\\ud800\"}", 0)).hasMessageContaining("unpaired surrogate");
        assertSafetensors(file("{} x", 0)).hasMessageContaining("unexpected 'x' after the JSON value");
    }

    @Test
    void safetensorsEntriesAreChecked() throws IOException {
        assertSafetensors(file("{\"w\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8))
                .hasMessageContaining("tensor 'w' has dtype I64, which is not supported (supported: BOOL, I8, I32, F16, BF16, F32, F64, C64)");
        assertSafetensors(file("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4))
                .hasMessageContaining("tensor 'w': 'dtype' must be a string, found nothing (missing or null)");
        assertSafetensors(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4))
                .hasMessageContaining("tensor 'w': 'shape' must hold non-negative integers, found 1.5");
        assertSafetensors(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,4]}}", 4))
                .hasMessageContaining("'shape' must hold non-negative integers, found -2");
        assertSafetensors(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", 8))
                .hasMessageContaining("'data_offsets' must be an array of 2 non-negative integers, found an array of 1");
        assertSafetensors(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}", 20))
                .hasMessageContaining("tensor 'w': data_offsets [0, 20] span 20 bytes, but F32 of shape [2, 3] needs 24");
        assertSafetensors(file("{\"__metadata__\":{\"n\":1}}", 0)).hasMessageContaining("metadata 'n' must be a string, found 1");
    }

    @Test
    void safetensorsDataMustBeTiledWithoutOverlapGapOrRemainder() throws IOException {
        String a = "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";
        assertSafetensors(file("{" + a + ",\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8))
                .hasMessageContaining("tensor 'b' (bytes 4 to 8) overlaps tensor 'a' (bytes 0 to 8)");
        assertSafetensors(file("{" + a + ",\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,16]}}", 16))
                .hasMessageContaining("gap of 4 bytes before tensor 'b'");
        assertSafetensors(file("{" + a + "}", 12)).hasMessageContaining("the tensors cover 8 bytes of data but the file has 12");
        assertSafetensors(file("{" + a + "}", 6)).hasMessageContaining("cover 8 bytes of data but the file has 6 after the header (truncated?)");
    }

    // ---------------------------------------------------------------- .npz

    @Test
    void npzThatIsNotAZipOrHoldsOtherEntries() throws IOException {
        Path notZip = dir.resolve("not.npz");
        Files.write(notZip, "hello".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> Npz.read(notZip)).isInstanceOf(TensorFormatException.class)
                .hasMessageStartingWith(notZip + ": not a valid zip archive");

        Path other = zip("other.npz", "readme.txt", "hi".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> Npz.read(other)).isInstanceOf(TensorFormatException.class)
                .hasMessageContaining("entry 'readme.txt' is not a .npy array");

        Path badEntry = zip("bad.npz", "w.npy", npyFile("{'descr': '<u2', 'fortran_order': False, 'shape': (1,), }", new byte[2]));
        assertThatThrownBy(() -> Npz.read(badEntry)).isInstanceOf(TensorFormatException.class)
                .hasMessageStartingWith(badEntry + ", entry w.npy: dtype '<u2' is not supported");
    }

    @Test
    void readersAcceptWhatTheyShouldDespiteStrictness() throws IOException {
        // Python 2 'L' suffixes, double quotes, no trailing comma or newline padding, '=' byte order,
        // and trailing bytes after the data are all valid .npy.
        Tensor t = Npy.fromBytes(npyFile("{\"descr\": \"=i4\", \"shape\": (2L, 1L), \"fortran_order\": False}", new byte[12]));
        assertThat(t.dtype()).isEqualTo(DType.INT32);
        assertThat(t.shape()).containsExactly(2, 1);
        // Unknown keys in a safetensors entry are ignored; a header of only metadata is an empty file.
        Path path = dir.resolve("extra.safetensors");
        Files.write(path, file("{\"w\":{\"dtype\":\"I8\",\"shape\":[],\"data_offsets\":[0,1],\"x\":[null,true]}}", 1));
        assertThat(SafeTensors.read(path)).containsOnlyKeys("w");
        Files.write(path, file("{\"__metadata__\":{\"a\":\"b\"}}", 0));
        assertThat(SafeTensors.read(path)).isEmpty();
        assertThat(SafeTensors.readMetadata(path)).isEqualTo(Map.of("a", "b"));
    }

    private AbstractThrowableAssert<?, ? extends Throwable> assertNpy(byte[] bytes) throws IOException {
        Path path = dir.resolve("bad.npy");
        Files.write(path, bytes);
        return assertThatThrownBy(() -> Npy.read(path)).isInstanceOf(TensorFormatException.class)
                .hasMessageStartingWith(path + ": ");
    }

    private AbstractThrowableAssert<?, ? extends Throwable> assertSafetensors(byte[] bytes) throws IOException {
        Path path = dir.resolve("bad.safetensors");
        Files.write(path, bytes);
        return assertThatThrownBy(() -> SafeTensors.read(path)).isInstanceOf(TensorFormatException.class)
                .hasMessageStartingWith(path + ": ");
    }

    /** A safetensors file with this header (padded to 8 bytes) and {@code dataBytes} zero bytes of data. */
    private static byte[] file(String header, int dataBytes) {
        return file(header.getBytes(StandardCharsets.UTF_8), dataBytes);
    }

    private static byte[] file(byte[] header, int dataBytes) {
        int padded = (header.length + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.allocate(8 + padded + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded).put(header);
        while (b.position() < 8 + padded) {
            b.put((byte) ' ');
        }
        return b.array();
    }

    private Path zip(String name, String entry, byte[] content) throws IOException {
        Path path = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(path); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry(entry));
            zip.write(content);
            zip.closeEntry();
        }
        return path;
    }
}
