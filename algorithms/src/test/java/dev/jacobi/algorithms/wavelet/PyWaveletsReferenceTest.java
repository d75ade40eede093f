package dev.jacobi.algorithms.wavelet;

import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.io.Npz;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Agreement with PyWavelets 1.1.1 (Debian's python3-pywt) through the vectors that
 * src/test/resources/wavelet/make_reference.py committed: every wavelet in one mode, a subset per family
 * in every mode at lengths shorter than, near and longer than the filter, odd and even; multilevel,
 * n-D, packet trees (natural and frequency order) and WaLLoC's channel layout.
 *
 * <p>Tolerance 1e-12 relative to max(1, |reference|): both sides sum at most ~80 float64 products of
 * taps and samples of magnitude <= 1 (smooth mode extrapolates to larger values), so they differ by a
 * few ulps of the sum, far below 1e-12.
 */
class PyWaveletsReferenceTest {
    private static final double TOLERANCE = 1e-12;
    private static final Map<String, double[]> REFERENCE = new LinkedHashMap<>();
    private static final Map<String, int[]> SHAPES = new LinkedHashMap<>();

    @BeforeAll
    static void load() throws Exception {
        Path npz = Path.of(PyWaveletsReferenceTest.class.getResource("/wavelet/reference.npz").toURI());
        double[] values = Npz.read(npz).get("values").toDoubleArray();
        try (var in = PyWaveletsReferenceTest.class.getResourceAsStream("/wavelet/reference_index.txt")) {
            var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] f = line.split(" ");
                int[] shape = Arrays.stream(f[2].split("x")).mapToInt(Integer::parseInt).toArray();
                int size = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
                int offset = Integer.parseInt(f[1]);
                REFERENCE.put(f[0], Arrays.copyOfRange(values, offset, offset + size));
                SHAPES.put(f[0], shape);
            }
        }
    }

    private static List<String> keys(String prefix) {
        List<String> keys = new ArrayList<>();
        for (String k : REFERENCE.keySet()) {
            if (k.startsWith(prefix + "/")) {
                keys.add(k);
            }
        }
        assertThat(keys).as("reference cases for " + prefix).isNotEmpty();
        return keys;
    }

    private static void assertClose(String key, double[] actual) {
        double[] expected = REFERENCE.get(key);
        assertThat(actual.length).as(key + ": length").isEqualTo(expected.length);
        for (int i = 0; i < expected.length; i++) {
            double tol = TOLERANCE * Math.max(1, Math.abs(expected[i]));
            if (!(Math.abs(actual[i] - expected[i]) <= tol)) {
                throw new AssertionError(key + ": element " + i + " is " + actual[i] + ", PyWavelets gives " + expected[i]);
            }
        }
    }

    private static double[] concat(List<Tensor> parts) {
        return Tensor.concat(parts.stream().map(t -> t.reshape(-1)).toList(), 0).toDoubleArray();
    }

    @Test
    void singleLevelDwtMatchesEveryWaveletAndMode() {
        var seen = new java.util.HashSet<String>();
        for (String key : keys("dwt")) {
            String[] f = key.split("/");
            Wavelet w = Wavelet.named(f[1]);
            int n = Integer.parseInt(f[3]);
            Dwt.Pair p = Dwt.forward(Tensor.of(Signals.signal(n * 1000L + 1, n), n), w, f[2]);
            assertClose(key, concat(List.of(p.approximation(), p.detail())));
            seen.add(f[1]);
            seen.add(f[2]);
        }
        assertThat(seen).containsAll(Wavelet.names());
        for (Mode m : Mode.values()) {
            assertThat(seen).contains(m.pywtName());
        }
    }

    @Test
    void singleLevelIdwtMatchesEveryWaveletAndMode() {
        for (String key : keys("idwt")) {
            String[] f = key.split("/");
            int n = Integer.parseInt(f[3]);
            Tensor a = Tensor.of(Signals.signal(n * 1000L + 2, n), n);
            Tensor d = Tensor.of(Signals.signal(n * 1000L + 3, n), n);
            assertClose(key, Dwt.inverse(a, d, Wavelet.named(f[1]), f[2]).toDoubleArray());
        }
    }

    @Test
    void multilevelDecompositionMatchesWavedec() {
        for (String key : keys("wavedec")) {
            String[] f = key.split("/");
            int n = Integer.parseInt(f[3]);
            Tensor x = Tensor.of(Signals.signal(n * 1000L + 1, n), n);
            assertClose(key, concat(Dwt.decompose(x, Wavelet.named(f[1]), Mode.named(f[2]), Integer.parseInt(f[4]), 0)));
        }
    }

    @Test
    void nDimensionalDwtMatchesDwtnAlongChosenAxes() {
        for (String key : keys("dwtn")) {
            String[] f = key.split("/");
            int[] shape = Arrays.stream(f[3].split("x")).mapToInt(Integer::parseInt).toArray();
            int[] axes = f[4].chars().map(c -> c - '0').toArray();
            long seed = shape[shape.length - 2] * 1000L + shape[shape.length - 1] + (shape.length == 3 ? shape[0] * 100000L : 0);
            Map<String, Tensor> bands = Dwt.forwardN(Signals.tensor(seed, shape), Wavelet.named(f[1]), Mode.named(f[2]), axes);
            assertClose(key, concat(new ArrayList<>(bands.values())));
        }
    }

    @Test
    void packetTreeMatchesWaveletPacketInBothOrders() {
        for (String key : keys("wp")) {
            String[] f = key.split("/");
            int n = Integer.parseInt(f[3]);
            PacketOrder order = f[5].equals("freq") ? PacketOrder.FREQUENCY : PacketOrder.NATURAL;
            Tensor x = Tensor.of(Signals.signal(n * 1000L + 1, n), n);
            Tensor nodes = WaveletPacket.forward(x, Wavelet.named(f[1]), Mode.named(f[2]), Integer.parseInt(f[4]), order);
            assertThat(nodes.shape()).as(key).isEqualTo(SHAPES.get(key));
            assertClose(key, nodes.toDoubleArray());
        }
    }

    @Test
    void packetTree2DMatchesWaveletPacket2DInBothOrders() {
        for (String key : keys("wp2")) {
            String[] f = key.split("/");
            String[] hw = f[3].split("x");
            int h = Integer.parseInt(hw[0]);
            int w = Integer.parseInt(hw[1]);
            PacketOrder order = f[5].equals("freq") ? PacketOrder.FREQUENCY : PacketOrder.NATURAL;
            Tensor x = Signals.tensor(h * 1000L + w, h, w);
            Tensor nodes = WaveletPacket2D.forward(x, Wavelet.named(f[1]), Mode.named(f[2]), Integer.parseInt(f[4]), order);
            assertThat(nodes.shape()).as(key).isEqualTo(SHAPES.get(key));
            assertClose(key, nodes.toDoubleArray());
        }
    }

    @Test
    void channelLayoutMatchesRepeatedDwt2() {
        for (String key : keys("channels")) {
            String[] f = key.split("/");
            int[] chw = Arrays.stream(f[2].split("x")).mapToInt(Integer::parseInt).toArray();
            Tensor x = Signals.tensor(chw[0] * 100000L + chw[1] * 1000L + chw[2], chw);
            Tensor y = WaveletPacket2D.toChannels(x, Wavelet.named(f[1]), Integer.parseInt(f[3]));
            int[] ref = SHAPES.get(key);
            assertThat(y.shape()).as(key).containsExactly(ref[0], ref[1], ref[2]);
            assertClose(key, y.toDoubleArray());
        }
    }
}
