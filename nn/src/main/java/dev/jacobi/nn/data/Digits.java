package dev.jacobi.nn.data;

import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.io.TensorFormatException;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;

/**
 * The 8x8 handwritten digits that scikit-learn ships as {@code sklearn/datasets/data/digits.csv.gz}
 * (the test part of "Optical Recognition of Handwritten Digits", E. Alpaydin and C. Kaynak, UCI
 * Machine Learning Repository, 1998): 1,797 images of the digits 0 to 9 written by 13 people.
 *
 * <p>Each image is a 32x32 bitmap whose 4x4 blocks were counted, so a pixel is an integer from 0 to
 * 16. The file has one image per line: 64 comma-separated pixel values in row-major order, then the
 * label.
 *
 * <p>{@link #load()} reads the copy bundled with this module (taken from Debian's python3-sklearn
 * 1.2.1, BSD-3-Clause; see the NOTICE file), so nothing is downloaded. {@link #load(Path)} reads
 * another copy, for example one unpacked with {@code apt-get download python3-sklearn} and
 * {@code dpkg -x}.
 *
 * <p><b>Scaling.</b> Features are the pixel counts divided by 16, so they lie in [0, 1]; the values
 * {@code k / 16} are exact in float32, so {@code features * 16} gives back the original integers.
 */
public final class Digits {
    /** Number of images in the file. */
    public static final int SIZE = 1797;
    /** Width and height of an image in pixels. */
    public static final int SIDE = 8;
    /** Pixels per image, {@code SIDE * SIDE}: the number of features. */
    public static final int PIXELS = SIDE * SIDE;
    /** Number of classes (the digits 0 to 9). */
    public static final int CLASSES = 10;
    /** Largest pixel value in the file (a count of on pixels in a 4x4 block); features are divided by it. */
    public static final int MAX_PIXEL = 16;

    /** The file name scikit-learn uses, also the name of the bundled resource. */
    public static final String FILE_NAME = "digits.csv.gz";
    /** Where the file lies inside an unpacked python3-sklearn package (or a Python installation's root). */
    public static final String SKLEARN_PACKAGE_PATH = "usr/lib/python3/dist-packages/sklearn/datasets/data/" + FILE_NAME;

    private Digits() {
    }

    /**
     * The bundled copy: float32 features {@code [1797, 64]} in [0, 1] (pixel / 16) and int32 labels
     * {@code [1797]} in 0..9, in the file's order. The tensors belong to the current scope.
     *
     * @throws UncheckedIOException when the resource is missing from the module (a stripped jar); the
     *                              message names the resource and suggests {@link #load(Path)}
     */
    public static Dataset load() {
        String resource = Digits.class.getPackageName().replace('.', '/') + "/" + FILE_NAME;
        InputStream in = Digits.class.getResourceAsStream(FILE_NAME);
        if (in == null) {
            throw new UncheckedIOException(new IOException("Digits.load: the resource " + resource
                    + " is missing from module " + Digits.class.getModule().getName()
                    + "; pass the file to Digits.load(Path) instead (it is " + SKLEARN_PACKAGE_PATH
                    + " in Debian's python3-sklearn package)"));
        }
        try (in) {
            return parse(in, "resource " + resource);
        } catch (IOException e) {
            throw new UncheckedIOException("Digits.load: cannot read the resource " + resource, e);
        }
    }

    /**
     * Reads the digits from a file, plain or gzip-compressed (recognised by its first bytes, not its
     * name), with the same scaling as {@link #load()}. When {@code path} is a directory, the first of
     * {@code path/digits.csv.gz}, {@code path/digits.csv} and {@code path/}{@value #SKLEARN_PACKAGE_PATH}
     * that exists is read, so the folder a package was unpacked into with {@code dpkg -x} works too.
     *
     * @throws UncheckedIOException  when no file is found (the message lists every path looked at, as
     *                               absolute paths) or it cannot be read
     * @throws TensorFormatException when a line does not hold 64 pixels in 0..16 and a label in 0..9, or
     *                               the file does not hold exactly {@value #SIZE} images
     */
    public static Dataset load(Path path) {
        List<Path> candidates = Files.isDirectory(path)
                ? List.of(path.resolve(FILE_NAME), path.resolve("digits.csv"), path.resolve(SKLEARN_PACKAGE_PATH))
                : List.of(path);
        Path file = candidates.stream().filter(Files::isRegularFile).findFirst().orElse(null);
        if (file == null) {
            String looked = candidates.stream().map(p -> p.toAbsolutePath().toString()).collect(Collectors.joining(", "));
            throw new UncheckedIOException(new IOException("Digits.load: no digits file found; looked at " + looked
                    + ". The file is " + SKLEARN_PACKAGE_PATH + " in Debian's python3-sklearn package (apt-get download"
                    + " python3-sklearn && dpkg -x python3-sklearn_*.deb DIR), or call Digits.load() for the bundled copy"));
        }
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("Digits.load: cannot read " + file.toAbsolutePath(), e);
        }
    }

    /** Parses the CSV from {@code raw}, gunzipping it when it starts with the gzip magic number. */
    private static Dataset parse(InputStream raw, String source) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(raw);
        buffered.mark(2);
        boolean gzip = buffered.read() == 0x1f && buffered.read() == 0x8b;
        buffered.reset();
        InputStream in = gzip ? new GZIPInputStream(buffered) : buffered;
        float[] pixels = new float[SIZE * PIXELS];
        int[] labels = new int[SIZE];
        int row = 0;
        int lineNumber = 0;
        var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            if (row == SIZE) {
                throw new TensorFormatException(source, "more than " + SIZE + " images (line " + lineNumber + ")");
            }
            String[] fields = line.split(",", -1);
            if (fields.length != PIXELS + 1) {
                throw new TensorFormatException(source, "line " + lineNumber + " has " + fields.length
                        + " fields, expected " + PIXELS + " pixels and a label");
            }
            for (int j = 0; j < PIXELS; j++) {
                pixels[row * PIXELS + j] = integer(fields[j], MAX_PIXEL, source, lineNumber, "pixel " + j) / (float) MAX_PIXEL;
            }
            labels[row] = integer(fields[PIXELS], CLASSES - 1, source, lineNumber, "the label");
            row++;
        }
        if (row != SIZE) {
            throw new TensorFormatException(source, "holds " + row + " images, expected " + SIZE);
        }
        return new Dataset(Tensor.of(pixels, SIZE, PIXELS), Tensor.ofInts(labels, SIZE));
    }

    /**
     * A field holding an integer in {@code [0, max]}. Older scikit-learn releases wrote the values as
     * floats ({@code 1.000000000000000000e+01}), so any number with an integral value is accepted.
     */
    private static int integer(String field, int max, String source, int lineNumber, String what) {
        double v;
        try {
            v = Double.parseDouble(field.trim());
        } catch (NumberFormatException e) {
            throw new TensorFormatException(source, "line " + lineNumber + ": " + what + " is not a number: '" + field + "'");
        }
        if (!(v >= 0 && v <= max) || v != Math.rint(v)) {
            throw new TensorFormatException(source, "line " + lineNumber + ": " + what + " is " + field
                    + ", expected an integer from 0 to " + max);
        }
        return (int) v;
    }
}
