package dev.jacobi.algorithms.wavelet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A discrete (bi)orthogonal wavelet: its four filters, with PyWavelets' names, conventions and exact
 * tap values (haar, db1-db38, sym2-sym20, coif1-coif17, bior*, rbio*, dmey).
 *
 * <p>Filters are PyWavelets' {@code filter_bank}: analysis (decomposition) low- and high-pass
 * {@code decLo}, {@code decHi}, synthesis (reconstruction) {@code recLo}, {@code recHi}, all of one
 * even length (PyWavelets pads the biorthogonal ones with zeros). The taps come from the bundled
 * {@code filters.txt}, written from python3-pywt by the {@code make_filters.py} beside it.
 */
public final class Wavelet {
    private static final String RESOURCE = "filters.txt";
    private static final Map<String, Wavelet> BUILT_IN = load();

    private final String name;
    private final String family;
    private final double[] decLo;
    private final double[] decHi;
    private final double[] recLo;
    private final double[] recHi;

    private Wavelet(String name, String family, double[] decLo, double[] decHi, double[] recLo, double[] recHi) {
        this.name = name;
        this.family = family;
        this.decLo = decLo;
        this.decHi = decHi;
        this.recLo = recLo;
        this.recHi = recHi;
    }

    /**
     * The built-in wavelet of this PyWavelets name, e.g. {@code "bior4.4"}, {@code "db4"}, {@code "haar"}.
     *
     * @throws IllegalArgumentException for an unknown name (the message lists the families)
     */
    public static Wavelet named(String name) {
        Wavelet w = BUILT_IN.get(name);
        if (w == null) {
            throw new IllegalArgumentException("Wavelet.named: unknown wavelet '" + name + "'; known: haar, db1-db38, "
                    + "sym2-sym20, coif1-coif17, bior1.1-bior6.8, rbio1.1-rbio6.8, dmey (Wavelet.names() lists all)");
        }
        return w;
    }

    /** The names of all built-in wavelets, in PyWavelets' {@code wavelist(kind='discrete')} order. */
    public static List<String> names() {
        return List.copyOf(BUILT_IN.keySet());
    }

    /**
     * A wavelet from its four filters (copied).
     *
     * @throws IllegalArgumentException when the filters are empty or differ in length
     */
    public static Wavelet of(String name, double[] decLo, double[] decHi, double[] recLo, double[] recHi) {
        int n = decLo.length;
        if (n == 0 || decHi.length != n || recLo.length != n || recHi.length != n) {
            throw new IllegalArgumentException("Wavelet.of: the four filters of '" + name + "' must be non-empty and of one "
                    + "length; got " + decLo.length + ", " + decHi.length + ", " + recLo.length + ", " + recHi.length);
        }
        return new Wavelet(name, "custom", decLo.clone(), decHi.clone(), recLo.clone(), recHi.clone());
    }

    /** The PyWavelets name, e.g. {@code "bior4.4"}. */
    public String name() {
        return name;
    }

    /** PyWavelets' short family name: haar, db, sym, coif, bior, rbio, dmey (or custom). */
    public String family() {
        return family;
    }

    /** The filter length (all four filters have it). */
    public int length() {
        return decLo.length;
    }

    /** Whether the synthesis low-pass is the analysis low-pass reversed (orthogonal wavelets). */
    public boolean isOrthogonal() {
        for (int i = 0; i < decLo.length; i++) {
            if (recLo[i] != decLo[decLo.length - 1 - i]) {
                return false;
            }
        }
        return true;
    }

    /** The analysis (decomposition) low-pass filter (a copy). */
    public double[] decLo() {
        return decLo.clone();
    }

    /** The analysis (decomposition) high-pass filter (a copy). */
    public double[] decHi() {
        return decHi.clone();
    }

    /** The synthesis (reconstruction) low-pass filter (a copy). */
    public double[] recLo() {
        return recLo.clone();
    }

    /** The synthesis (reconstruction) high-pass filter (a copy). */
    public double[] recHi() {
        return recHi.clone();
    }

    // Unshared views for the transforms in this package, which never write them.
    double[] lo(boolean analysis) {
        return analysis ? decLo : recLo;
    }

    double[] hi(boolean analysis) {
        return analysis ? decHi : recHi;
    }

    @Override
    public String toString() {
        return "Wavelet[" + name + ", length " + length() + "]";
    }

    private static Map<String, Wavelet> load() {
        Map<String, Wavelet> map = new LinkedHashMap<>();
        try (InputStream in = Wavelet.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("Wavelet: resource " + RESOURCE + " is missing");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.trim().split(" ");
                double[] decLo = taps(f[2]);
                double[] recLo = f.length > 3 ? taps(f[3]) : reversed(decLo);
                // make_filters.py checks these sign relations against every PyWavelets filter bank.
                double[] recHi = new double[decLo.length];
                double[] decHi = new double[decLo.length];
                for (int i = 0; i < decLo.length; i++) {
                    recHi[i] = (i % 2 == 0) ? decLo[i] : -decLo[i];
                    decHi[i] = (i % 2 == 0) ? -recLo[i] : recLo[i];
                }
                map.put(f[0], new Wavelet(f[0], f[1], decLo, decHi, recLo, recHi));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Wavelet: cannot read " + RESOURCE, e);
        }
        return Collections.unmodifiableMap(map);
    }

    private static double[] taps(String csv) {
        return Arrays.stream(csv.split(",")).mapToDouble(Double::parseDouble).toArray();
    }

    static double[] reversed(double[] f) {
        double[] r = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            r[i] = f[f.length - 1 - i];
        }
        return r;
    }
}
