package dev.jacobi.nn.data;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.io.TensorFormatException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The digits loader against facts computed independently from the CSV file (with awk, once): the
 * image count, the per-class counts, the pixel sum and the first and last rows; reading external
 * copies (gzip, plain, an unpacked package folder) gives the same dataset; missing and malformed
 * files are reported with the paths looked at and the line at fault.
 */
class DigitsTest {
    /**
     * Images per digit 0..9, from {@code zcat digits.csv.gz | awk -F, '{c[$65]++} END {for (k in c) print k, c[k]}'};
     * the UCI page gives the same test-set counts.
     */
    private static final int[] CLASS_COUNTS = {178, 182, 177, 183, 181, 182, 181, 179, 174, 180};
    /** Sum of all 1797 * 64 pixel values (0..16) in the file, from awk. */
    private static final long PIXEL_SUM = 561_718;
    private static final String FIRST_ROW = "0,0,5,13,9,1,0,0,0,0,13,15,10,15,5,0,0,3,15,2,0,11,8,0,0,4,12,0,0,8,8,0,0,5,8,0,"
            + "0,9,8,0,0,4,11,0,1,12,7,0,0,2,14,5,10,12,0,0,0,0,6,13,10,0,0,0,0";
    private static final String LAST_ROW = "0,0,10,14,8,1,0,0,0,2,16,14,6,1,0,0,0,0,15,15,8,15,0,0,0,0,5,16,16,10,0,0,0,0,"
            + "12,15,15,12,0,0,0,4,16,6,4,16,6,0,0,8,16,10,8,16,8,0,0,1,8,12,14,12,1,0,8";

    private static Dataset digits;

    @BeforeAll
    static void load() {
        digits = Digits.load();
    }

    @Test
    void bundledCopyHas1797ImagesOf64PixelsWithTheKnownClassCounts() {
        assertThat(digits.size()).isEqualTo(Digits.SIZE).isEqualTo(1797);
        assertThat(digits.features().dtype()).isEqualTo(DType.FLOAT32);
        assertThat(digits.features().shape()).containsExactly(1797, 64);
        assertThat(digits.labels().dtype()).isEqualTo(DType.INT32);
        assertThat(digits.labels().shape()).containsExactly(1797);
        int[] counts = new int[Digits.CLASSES];
        for (int label : digits.labels().toIntArray()) {
            counts[label]++;
        }
        assertThat(counts).containsExactly(CLASS_COUNTS);
    }

    @Test
    void pixelsAreTheFileCountsDividedBy16InZeroToOne() {
        float[] f = digits.features().toFloatArray();
        long sum = 0;
        int outside = 0;
        for (float v : f) {
            // k / 16 is exact in float32, so times 16 gives the integer back exactly.
            float count = v * 16;
            if (!(v >= 0 && v <= 1) || count != Math.rint(count)) {
                outside++;
            }
            sum += (long) count;
        }
        assertThat(outside).as("values outside [0, 1] or not a multiple of 1/16").isZero();
        assertThat(sum).isEqualTo(PIXEL_SUM);
        assertThat(row(f, 0)).isEqualTo(FIRST_ROW.substring(0, FIRST_ROW.lastIndexOf(',')));
        assertThat(digits.labels().toIntArray()[0]).isEqualTo(0);
        assertThat(row(f, 1796)).isEqualTo(LAST_ROW.substring(0, LAST_ROW.lastIndexOf(',')));
        assertThat(digits.labels().toIntArray()[1796]).isEqualTo(8);
    }

    @Test
    void externalCopiesGzipPlainAndUnpackedPackageGiveTheSameDataset(@TempDir Path dir) throws IOException {
        byte[] gz = bundledBytes();
        Path gzFile = dir.resolve("copy.gz.bin");
        Files.write(gzFile, gz);
        Path plain = dir.resolve("digits.csv");
        Files.write(plain, gunzip(gz));
        Path unpacked = dir.resolve("pkg").resolve(Digits.SKLEARN_PACKAGE_PATH);
        Files.createDirectories(unpacked.getParent());
        Files.write(unpacked, gz);

        assertSame(Digits.load(gzFile));
        assertSame(Digits.load(plain));
        assertSame(Digits.load(dir));
        assertSame(Digits.load(dir.resolve("pkg")));
    }

    @Test
    void missingFileMessageListsEveryPathLookedAt(@TempDir Path dir) {
        Path file = dir.resolve("nowhere.csv.gz");
        assertThatThrownBy(() -> Digits.load(file))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("Digits.load: no digits file found; looked at " + file.toAbsolutePath())
                .hasMessageContaining("python3-sklearn");
        assertThatThrownBy(() -> Digits.load(dir))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(dir.resolve("digits.csv.gz").toAbsolutePath().toString())
                .hasMessageContaining(dir.resolve("digits.csv").toAbsolutePath().toString())
                .hasMessageContaining(dir.resolve(Digits.SKLEARN_PACKAGE_PATH).toAbsolutePath().toString());
    }

    @Test
    void malformedFilesNameTheLineAndTheProblem(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.csv");
        Files.writeString(file, FIRST_ROW + "\n" + FIRST_ROW.replaceFirst("0,0,5", "0,0,17") + "\n");
        assertThatThrownBy(() -> Digits.load(file)).isInstanceOf(TensorFormatException.class)
                .hasMessage(file + ": line 2: pixel 2 is 17, expected an integer from 0 to 16");
        Files.writeString(file, FIRST_ROW + ",3\n");
        assertThatThrownBy(() -> Digits.load(file)).isInstanceOf(TensorFormatException.class)
                .hasMessage(file + ": line 1 has 66 fields, expected 64 pixels and a label");
        Files.writeString(file, FIRST_ROW + "\n" + LAST_ROW + "\n");
        assertThatThrownBy(() -> Digits.load(file)).isInstanceOf(TensorFormatException.class)
                .hasMessage(file + ": holds 2 images, expected 1797");
        // Older scikit-learn releases wrote floats; integral ones are accepted, others are not.
        Files.writeString(file, "1.5e+00," + FIRST_ROW.substring(2) + "\n");
        assertThatThrownBy(() -> Digits.load(file)).isInstanceOf(TensorFormatException.class)
                .hasMessage(file + ": line 1: pixel 0 is 1.5e+00, expected an integer from 0 to 16");
    }

    @Test
    void floatFormattedValuesOfOlderReleasesAreAccepted(@TempDir Path dir) throws IOException {
        // The bundled file rewritten with every value as "%.18e", the format numpy.savetxt used.
        StringBuilder sb = new StringBuilder();
        String text = new String(gunzip(bundledBytes()), StandardCharsets.US_ASCII);
        for (String line : text.split("\n")) {
            String[] fields = line.split(",");
            for (int j = 0; j < fields.length; j++) {
                int k = Integer.parseInt(fields[j]);
                // "%.18e" of an integer 0..16, spelled out: String.format is slow for 115,000 values.
                sb.append(j > 0 ? "," : "").append(k < 10 ? k + ".000000000000000000e+00" : "1." + (k - 10) + "00000000000000000e+01");
            }
            sb.append('\n');
        }
        Path file = dir.resolve("digits.csv.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
        }
        assertSame(Digits.load(file));
    }

    private static void assertSame(Dataset other) {
        // isEqualTo compares arrays with Arrays.equals: containsExactly is slow on 115,008 elements.
        assertThat(other.features().toFloatArray()).isEqualTo(digits.features().toFloatArray());
        assertThat(other.labels().toIntArray()).isEqualTo(digits.labels().toIntArray());
    }

    /** Row {@code r} of the features as the file's comma-separated integers. */
    private static String row(float[] f, int r) {
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < Digits.PIXELS; j++) {
            sb.append(j > 0 ? "," : "").append((int) (f[r * Digits.PIXELS + j] * 16));
        }
        return sb.toString();
    }

    private static byte[] bundledBytes() throws IOException {
        try (InputStream in = Digits.class.getResourceAsStream(Digits.FILE_NAME)) {
            assertThat(in).as("bundled resource").isNotNull();
            return in.readAllBytes();
        }
    }

    private static byte[] gunzip(byte[] gz) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }
}
