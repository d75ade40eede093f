package dev.jacobi.cl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The on-disk cache of compiled program binaries (and, beside them, the GEMM tuning choices). The
 * folder is the system property {@value #FOLDER_PROPERTY} when set, else {@code ~/.cache/jacobi/opencl}.
 * A binary's file name is the SHA-256 of the device name, platform, driver version, build options and
 * program source, so a new driver or an edited kernel misses the cache instead of loading a stale
 * binary. Failures to read or write the cache are not errors: the program is built from source.
 */
public final class ClBinaryCache {
    /** System property naming the cache folder. */
    public static final String FOLDER_PROPERTY = "jacobi.opencl.cache";

    private ClBinaryCache() {
    }

    /** The cache folder (not created until something is stored). */
    public static Path folder() {
        String p = System.getProperty(FOLDER_PROPERTY);
        if (p != null && !p.isBlank()) {
            return Path.of(p);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "jacobi", "opencl");
    }

    /** The cache key of {@code source} built with {@code options} for {@code device}. */
    public static String key(ClDevice device, String options, String source) {
        return sha256(device.name() + "\n" + device.platformName() + "\n" + device.driverVersion() + "\n"
                + options + "\n" + source);
    }

    static Optional<byte[]> load(String key) {
        Path file = folder().resolve(key + ".bin");
        try {
            return Files.isRegularFile(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static void store(String key, byte[] binary) {
        writeAtomically(folder().resolve(key + ".bin"), binary);
    }

    static void delete(String key) {
        try {
            Files.deleteIfExists(folder().resolve(key + ".bin"));
        } catch (IOException e) {
            // a stale entry that cannot be removed is rebuilt each time; nothing else to do
        }
    }

    /** Writes through a temporary file and a rename, so concurrent JVMs never see half a file. */
    static boolean writeAtomically(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
            Files.write(tmp, bytes);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }
}
