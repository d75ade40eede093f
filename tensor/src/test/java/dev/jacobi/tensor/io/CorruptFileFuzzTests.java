package dev.jacobi.tensor.io;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Fuzzing: valid files with random corruptions (bit flips, special bytes, numbers swapped into the
 * header, insertions, deletions, truncations), each of which must either read successfully (and
 * every element of the result be readable) or throw {@link TensorFormatException} naming the file:
 * never another exception, an {@link OutOfMemoryError} or a hang. Case {@code c} uses seed
 * {@code SEED + c}, which a failure prints, so it can be replayed alone.
 */
class CorruptFileFuzzTests {
    private static final long SEED = 0x5EED_F00DL;

    /** Generous: a few thousand small cases take seconds; only a hang can come near this. */
    private static final Duration TIME_LIMIT = Duration.ofSeconds(120);

    private static final byte[] SPECIAL_BYTES = {0, (byte) 0xFF, 0x7F, (byte) 0x80, '0', '9', '-', '[', ']', '{', '}',
            '(', ')', '"', '\'', ',', ':', ' ', '\\', 'L', 'e', '.', '\n'};

    private static final String[] SPECIAL_NUMBERS = {"0", "1", "-1", "2147483647", "2147483648", "4294967296",
            "9223372036854775807", "9223372036854775808", "99999999999999999999999", "1e3", "1.5", ""};

    private static final List<byte[]> NPY = new ArrayList<>();
    private static final List<byte[]> NPZ = new ArrayList<>();
    private static final List<byte[]> SAFETENSORS = new ArrayList<>();

    @TempDir
    static Path dir;

    @BeforeAll
    static void validFiles() throws IOException, URISyntaxException {
        Path reference = Path.of(CorruptFileFuzzTests.class.getResource("/io/expected.txt").toURI()).getParent();
        try (var files = Files.list(reference)) {
            for (Path p : files.sorted().toList()) {
                String name = p.getFileName().toString();
                List<byte[]> into = name.endsWith(".npy") ? NPY : name.endsWith(".npz") ? NPZ
                        : name.endsWith(".safetensors") ? SAFETENSORS : null;
                if (into != null) {
                    into.add(Files.readAllBytes(p));
                }
            }
        }
        // Files of our own writer too, with several arrays of every dtype.
        Map<String, Tensor> mixed = new LinkedHashMap<>();
        Random random = new Random(SEED);
        for (DType dtype : DType.values()) {
            mixed.put(dtype.shortName(), IoTestSupport.randomTensor(dtype, new int[] {2, random.nextInt(3)}, "contiguous", random));
        }
        Map<String, Tensor> numpy = new LinkedHashMap<>(mixed);
        numpy.remove("bfloat16");
        Npz.write(dir.resolve("s.npz"), numpy);
        Npz.writeCompressed(dir.resolve("c.npz"), numpy);
        NPZ.add(Files.readAllBytes(dir.resolve("s.npz")));
        NPZ.add(Files.readAllBytes(dir.resolve("c.npz")));
        Map<String, Tensor> safetensors = new LinkedHashMap<>(mixed);
        safetensors.remove("complex128");
        SafeTensors.write(dir.resolve("m.safetensors"), safetensors, Map.of("format", "pt"));
        SAFETENSORS.add(Files.readAllBytes(dir.resolve("m.safetensors")));
    }

    @Test
    void mutatedNpyFilesReadOrThrowTensorFormatException() {
        fuzz(NPY, ".npy", 2000, file -> List.of(Npy.read(file)));
    }

    @Test
    void mutatedNpzFilesReadOrThrowTensorFormatException() {
        fuzz(NPZ, ".npz", 1000, file -> Npz.read(file).values());
    }

    @Test
    void mutatedSafetensorsFilesReadOrThrowTensorFormatException() {
        fuzz(SAFETENSORS, ".safetensors", 2000, file -> {
            SafeTensors.readMetadata(file);
            return SafeTensors.read(file).values();
        });
    }

    @Test
    void everyTruncationOfAValidFileIsRejected() throws IOException {
        Path file = dir.resolve("truncated");
        for (List<byte[]> bases : List.of(NPY, NPZ, SAFETENSORS)) {
            byte[] base = bases.getLast();
            // Every cut through the headers, then every 7th byte through the data and zip directory.
            for (int length = 0; length < base.length; length += length < 512 ? 1 : 7) {
                Files.write(file, Arrays.copyOf(base, length));
                Function<Path, Object> reader = bases == NPY ? Npy::read : bases == NPZ ? Npz::read : SafeTensors::read;
                int cut = length;
                assertThatThrownBy(() -> reader.apply(file)).as("cut to %d of %d bytes", cut, base.length)
                        .isInstanceOf(TensorFormatException.class);
            }
        }
    }

    private static void fuzz(List<byte[]> bases, String suffix, int cases, Function<Path, Collection<Tensor>> reader) {
        Path file = dir.resolve("fuzz" + suffix);
        int[] rejected = {0};
        assertTimeoutPreemptively(TIME_LIMIT, () -> {
            for (int c = 0; c < cases; c++) {
                long seed = SEED + c;
                Random random = new Random(seed);
                StringBuilder what = new StringBuilder();
                Files.write(file, mutate(bases.get(random.nextInt(bases.size())), random, what));
                try {
                    for (Tensor t : reader.apply(file)) {
                        t.toDoubleArray(); // every element must be readable
                    }
                } catch (TensorFormatException e) {
                    assertThat(e.getMessage()).as("case %d (seed %d: %s)", c, seed, what).startsWith(file.toString());
                    rejected[0]++;
                } catch (Throwable e) {
                    throw new AssertionError("case " + c + " (seed " + seed + ": " + what + ") threw " + e, e);
                }
            }
        });
        // A fuzzer whose corruptions are all harmless would test nothing: most cases must be caught.
        assertThat(rejected[0]).as("rejected cases").isGreaterThan(cases / 3);
    }

    /** One to three random corruptions of {@code base}, described in {@code what}. */
    private static byte[] mutate(byte[] base, Random random, StringBuilder what) {
        byte[] b = base.clone();
        int operations = 1 + random.nextInt(3);
        for (int i = 0; i < operations; i++) {
            int pos = position(b.length, random);
            switch (random.nextInt(6)) {
                case 0 -> {
                    if (pos < b.length) {
                        int bit = random.nextInt(8);
                        b[pos] ^= (byte) (1 << bit);
                        what.append("flip bit ").append(bit).append(" at ").append(pos).append("; ");
                    }
                }
                case 1 -> {
                    if (pos < b.length) {
                        b[pos] = SPECIAL_BYTES[random.nextInt(SPECIAL_BYTES.length)];
                        what.append("set byte ").append(pos).append(" to ").append(b[pos]).append("; ");
                    }
                }
                case 2 -> {
                    int length = random.nextInt(b.length + 1);
                    b = Arrays.copyOf(b, length);
                    what.append("truncate to ").append(length).append("; ");
                }
                case 3 -> {
                    byte[] inserted = new byte[1 + random.nextInt(8)];
                    random.nextBytes(inserted);
                    b = splice(b, pos, 0, inserted);
                    what.append("insert ").append(inserted.length).append(" bytes at ").append(pos).append("; ");
                }
                case 4 -> {
                    int length = Math.min(1 + random.nextInt(8), b.length - pos);
                    b = splice(b, pos, length, new byte[0]);
                    what.append("delete ").append(length).append(" bytes at ").append(pos).append("; ");
                }
                default -> {
                    // Swap the next run of digits for a special number: reaches the shape and offset checks.
                    int start = pos;
                    while (start < b.length && (b[start] < '0' || b[start] > '9')) {
                        start++;
                    }
                    int end = start;
                    while (end < b.length && b[end] >= '0' && b[end] <= '9') {
                        end++;
                    }
                    String number = SPECIAL_NUMBERS[random.nextInt(SPECIAL_NUMBERS.length)];
                    b = splice(b, start, end - start, number.getBytes(StandardCharsets.US_ASCII));
                    what.append("number at ").append(start).append(" -> '").append(number).append("'; ");
                }
            }
        }
        return b;
    }

    /** Half the time anywhere, else in the first 256 bytes (headers) or the last 128 (zip directories). */
    private static int position(int length, Random random) {
        if (length == 0) {
            return 0;
        }
        return switch (random.nextInt(4)) {
            case 0 -> random.nextInt(Math.min(length, 256));
            case 1 -> length - 1 - random.nextInt(Math.min(length, 128));
            default -> random.nextInt(length);
        };
    }

    private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        byte[] r = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, r, 0, at);
        System.arraycopy(insert, 0, r, at, insert.length);
        System.arraycopy(b, at + remove, r, at + insert.length, b.length - at - remove);
        return r;
    }
}
