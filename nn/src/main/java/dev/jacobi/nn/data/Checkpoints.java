package dev.jacobi.nn.data;

import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.io.SafeTensors;
import dev.jacobi.tensor.io.TensorFormatException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Saves and restores training state as {@code .safetensors} files: a map of named tensors (model
 * parameters, optimizer moments: whatever the caller puts in it) and the step, epoch and loss, kept in
 * the file's {@code __metadata__} under {@value #STEP}, {@value #EPOCH} and {@value #LOSS}, beside any
 * other string metadata the caller adds.
 *
 * <p><b>Atomic.</b> {@link SafeTensors#write} writes to a temporary file in the same folder and moves it
 * over the target, so an interrupted save leaves the previous checkpoint intact, and a checkpoint that
 * is mapped by tensors loaded earlier stays valid when overwritten.
 *
 * <p>In a folder, {@link #saveNumbered} names files {@code checkpoint-<step>.safetensors} (the step
 * zero-padded to 12 digits, so names sort by step), keeps only the latest few, and
 * {@link #latest} finds the newest to resume from.
 */
public final class Checkpoints {
    /** Metadata key of the optimizer step count (a decimal {@code long}). */
    public static final String STEP = "jacobi.step";
    /** Metadata key of the epoch (a decimal {@code long}). */
    public static final String EPOCH = "jacobi.epoch";
    /** Metadata key of the loss ({@link Double#toString}, which reads back exactly). */
    public static final String LOSS = "jacobi.loss";

    private static final Pattern NUMBERED = Pattern.compile("checkpoint-(\\d{12,})\\.safetensors");

    private Checkpoints() {
    }

    /**
     * A saved training state.
     *
     * @param tensors  the tensors by name (an unmodifiable copy of the map's entries, in its order)
     * @param step     the optimizer steps taken, {@code >= 0}
     * @param epoch    the epoch, {@code >= 0}
     * @param loss     the loss at that point (any double, NaN included)
     * @param metadata more string metadata (an unmodifiable copy); its keys must not start with
     *                 {@code jacobi.}, which this class reserves
     */
    public record Checkpoint(Map<String, Tensor> tensors, long step, long epoch, double loss, Map<String, String> metadata) {
        /** @throws IllegalArgumentException when step or epoch is negative or a metadata key starts with {@code jacobi.} */
        public Checkpoint {
            tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
            metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
            if (step < 0 || epoch < 0) {
                throw new IllegalArgumentException("Checkpoint: step and epoch must be >= 0, got step " + step
                        + " and epoch " + epoch);
            }
            for (String key : metadata.keySet()) {
                if (Objects.requireNonNull(key, "Checkpoint: null metadata key").startsWith("jacobi.")) {
                    throw new IllegalArgumentException("Checkpoint: metadata key '" + key
                            + "' starts with 'jacobi.', which Checkpoints reserves for its own keys");
                }
            }
        }

        /** A checkpoint without extra metadata. */
        public Checkpoint(Map<String, Tensor> tensors, long step, long epoch, double loss) {
            this(tensors, step, epoch, loss, Map.of());
        }
    }

    /**
     * Writes {@code checkpoint} to {@code file} atomically, replacing it if it exists.
     *
     * @throws IllegalArgumentException when a tensor cannot be stored in safetensors (complex128)
     * @throws UncheckedIOException     when the file cannot be written
     */
    public static void save(Path file, Checkpoint checkpoint) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(STEP, Long.toString(checkpoint.step()));
        metadata.put(EPOCH, Long.toString(checkpoint.epoch()));
        metadata.put(LOSS, Double.toString(checkpoint.loss()));
        metadata.putAll(checkpoint.metadata());
        SafeTensors.write(file, checkpoint.tensors(), metadata);
    }

    /**
     * Reads a checkpoint written by {@link #save}. Tensors of a file of 1 MiB or more view a
     * copy-on-write mapping of it (see {@link SafeTensors#read}); smaller ones belong to the current scope.
     *
     * @throws TensorFormatException when the file is malformed or lacks (or has a malformed) step, epoch
     *                               or loss
     * @throws UncheckedIOException  when the file cannot be read
     */
    public static Checkpoint load(Path file) {
        Map<String, String> metadata = SafeTensors.readMetadata(file);
        long step = number(metadata, STEP, file);
        long epoch = number(metadata, EPOCH, file);
        String lossText = required(metadata, LOSS, file);
        double loss;
        try {
            loss = Double.parseDouble(lossText);
        } catch (NumberFormatException e) {
            throw new TensorFormatException(file.toString(), "metadata " + LOSS + " is '" + lossText + "', not a number");
        }
        Map<String, String> extra = new LinkedHashMap<>(metadata);
        extra.keySet().removeIf(k -> k.startsWith("jacobi."));
        return new Checkpoint(SafeTensors.read(file), step, epoch, loss, extra);
    }

    /**
     * Saves {@code checkpoint} in {@code directory} (created if missing) as
     * {@code checkpoint-<step>.safetensors}, then deletes all but the {@code keep} numbered checkpoints
     * with the highest steps there.
     *
     * @return the file written
     * @throws IllegalArgumentException when {@code keep < 1}
     * @throws UncheckedIOException     when the folder cannot be created, listed or written
     */
    public static Path saveNumbered(Path directory, Checkpoint checkpoint, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("Checkpoints.saveNumbered: keep must be >= 1, got " + keep);
        }
        try {
            Files.createDirectories(directory);
            Path file = directory.resolve("checkpoint-%012d.safetensors".formatted(checkpoint.step()));
            save(file, checkpoint);
            List<Path> numbered = numbered(directory);
            for (Path old : numbered.subList(0, Math.max(0, numbered.size() - keep))) {
                Files.deleteIfExists(old);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("Checkpoints.saveNumbered: cannot write to " + directory.toAbsolutePath(), e);
        }
    }

    /**
     * The numbered checkpoint with the highest step in {@code directory}, or empty when there is none
     * (or the folder does not exist).
     *
     * @throws UncheckedIOException when the folder cannot be listed
     */
    public static Optional<Path> latest(Path directory) {
        if (!Files.isDirectory(directory)) {
            return Optional.empty();
        }
        try {
            List<Path> numbered = numbered(directory);
            return numbered.isEmpty() ? Optional.empty() : Optional.of(numbered.getLast());
        } catch (IOException e) {
            throw new UncheckedIOException("Checkpoints.latest: cannot list " + directory.toAbsolutePath(), e);
        }
    }

    /** The numbered checkpoints in {@code directory}, by increasing step. */
    private static List<Path> numbered(Path directory) throws IOException {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path p : entries) {
                Matcher m = NUMBERED.matcher(p.getFileName().toString());
                if (m.matches() && Files.isRegularFile(p)) {
                    found.add(p);
                }
            }
        }
        // Zero-padded to the same width, names sort by step; wider (longer) names are later steps.
        found.sort((a, b) -> {
            String x = a.getFileName().toString();
            String y = b.getFileName().toString();
            return x.length() != y.length() ? Integer.compare(x.length(), y.length()) : x.compareTo(y);
        });
        return found;
    }

    private static String required(Map<String, String> metadata, String key, Path file) {
        String value = metadata.get(key);
        if (value == null) {
            throw new TensorFormatException(file.toString(), "no '" + key
                    + "' in the metadata; it is not a checkpoint written by Checkpoints.save");
        }
        return value;
    }

    private static long number(Map<String, String> metadata, String key, Path file) {
        String text = required(metadata, key, file);
        try {
            long v = Long.parseLong(text);
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // Reported below with the value.
        }
        throw new TensorFormatException(file.toString(), "metadata " + key + " is '" + text + "', not an integer >= 0");
    }
}
