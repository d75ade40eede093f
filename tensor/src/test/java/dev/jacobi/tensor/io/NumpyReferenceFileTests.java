package dev.jacobi.tensor.io;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads the files in {@code src/test/resources/io}, written by NumPy 1.24 ({@code .npy},
 * {@code .npz}) and by hand from the specification ({@code .safetensors}) with
 * {@code make_reference_files.py}, and compares them with the values that script recorded in
 * {@code expected.txt}. Tolerance zero: reading copies bits and widening to double is exact, so
 * values must match exactly ({@link Double#compare}: -0.0 differs from 0.0, NaN equals NaN).
 */
class NumpyReferenceFileTests {
    /** One line of expected.txt. */
    private record Expected(String file, String entry, DType dtype, int[] shape, boolean canonical, double[] values) {
    }

    private static Path dir;
    private static List<Expected> expected;

    @BeforeAll
    static void load() throws IOException, URISyntaxException {
        dir = Path.of(NumpyReferenceFileTests.class.getResource("/io/expected.txt").toURI()).getParent();
        expected = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("expected.txt"))) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            String[] f = line.split(" ");
            String[] source = f[0].split(":", 2);
            String dims = f[2].substring(1, f[2].length() - 1);
            int[] shape = dims.isEmpty() ? new int[0] : Arrays.stream(dims.split(",")).mapToInt(Integer::parseInt).toArray();
            double[] values = Arrays.stream(f, 4, f.length).mapToDouble(Double::parseDouble).toArray();
            expected.add(new Expected(source[0], source.length > 1 ? source[1] : null,
                    DType.valueOf(f[1].toUpperCase(java.util.Locale.ROOT)), shape, f[3].equals("C"), values));
        }
    }

    @Test
    void readsEveryNpyFileWithTheValuesNumpyWrote() {
        List<Expected> npy = expected.stream().filter(e -> e.file().endsWith(".npy")).toList();
        assertThat(npy).hasSizeGreaterThanOrEqualTo(20);
        for (Expected e : npy) {
            check(e, Npy.read(dir.resolve(e.file())));
        }
        assertThat(npy.stream().map(Expected::file)).contains("be_float64.npy", "fortran_float64.npy",
                "version2_float32.npy", "version3_int32.npy", "scalar_float64.npy", "empty_float32.npy");
    }

    @Test
    void fortranOrderFilesGiveTransposedViewsWithTheRightValues() {
        Tensor t = Npy.read(dir.resolve("fortran_float64.npy"));
        assertThat(t.isContiguous()).isFalse();
        assertThat(t.getDouble(1, 2, 3)).isEqualTo((1 * 12 + 2 * 4 + 3) * 0.5);
    }

    @Test
    void rewritesNumpysFilesByteForByte() throws IOException {
        List<Expected> canonical = expected.stream().filter(Expected::canonical).toList();
        assertThat(canonical).hasSizeGreaterThanOrEqualTo(10);
        for (Expected e : canonical) {
            byte[] original = Files.readAllBytes(dir.resolve(e.file()));
            assertThat(Npy.toBytes(Npy.read(dir.resolve(e.file())))).as(e.file()).isEqualTo(original);
        }
    }

    @Test
    void readsSavezAndSavezCompressedArchivesInOrder() {
        for (String file : List.of("plain.npz", "compressed.npz")) {
            Map<String, Tensor> arrays = Npz.read(dir.resolve(file));
            List<Expected> entries = entriesOf(file);
            assertThat(arrays.keySet()).containsExactlyElementsOf(entries.stream().map(Expected::entry).toList());
            for (Expected e : entries) {
                check(e, arrays.get(e.entry()));
            }
        }
    }

    @Test
    void readsSafetensorsWrittenFromTheSpecificationInHeaderOrder() {
        Map<String, Tensor> tensors = SafeTensors.read(dir.resolve("reference.safetensors"));
        List<Expected> entries = entriesOf("reference.safetensors");
        assertThat(entries).extracting(Expected::dtype).contains(DType.BFLOAT16, DType.COMPLEX64, DType.BOOL);
        // The header lists the tensors in another order than their data: the header's order is kept.
        assertThat(tensors.keySet()).containsExactlyElementsOf(entries.stream().map(Expected::entry).toList());
        for (Expected e : entries) {
            check(e, tensors.get(e.entry()));
        }
    }

    @Test
    void readsSafetensorsMetadataWithEscapesAndUnicode() {
        Map<String, String> expectedMetadata = new LinkedHashMap<>();
        expectedMetadata.put("format", "pt");
        expectedMetadata.put("note", "café \"quoted\" \\ back\nslash");
        assertThat(SafeTensors.readMetadata(dir.resolve("reference.safetensors"))).containsExactlyEntriesOf(expectedMetadata);
    }

    private static List<Expected> entriesOf(String file) {
        return expected.stream().filter(e -> e.file().equals(file)).toList();
    }

    private static void check(Expected e, Tensor t) {
        String what = e.file() + (e.entry() != null ? ":" + e.entry() : "");
        assertThat(t.dtype()).as(what).isEqualTo(e.dtype());
        assertThat(t.shape()).as(what).isEqualTo(e.shape());
        double[] actual = t.dtype() == DType.BFLOAT16 ? t.to(DType.FLOAT32).toDoubleArray() : t.toDoubleArray();
        assertThat(actual).as(what).hasSameSizeAs(e.values());
        for (int i = 0; i < actual.length; i++) {
            assertThat(Double.compare(actual[i], e.values()[i])).as("%s value %d: %s vs %s", what, i, actual[i], e.values()[i])
                    .isZero();
        }
    }
}
