package dev.jacobi.cl.ops;

import dev.jacobi.cl.ClDevice;
import dev.jacobi.cl.ClDeviceType;

import java.util.List;
import java.util.Map;

/**
 * Tile parameters of {@code gemm.cl} (see the comment at its top), passed to the compiler as defines.
 *
 * @param wgx work-group width (along n)
 * @param wgy work-group height (along m)
 * @param tm  rows of C per work-item
 * @param tn  columns of C per work-item
 * @param tk  depth of one K step held in local memory
 * @param vw  vector width of the global loads: 1, 2 or 4
 */
public record GemmTileConfig(int wgx, int wgy, int tm, int tn, int tk, int vw) {
    /** Checks that the work of loading a tile divides evenly among the work-items. */
    public GemmTileConfig {
        if (wgx < 1 || wgy < 1 || tm < 1 || tn < 1 || tk < 1 || (vw != 1 && vw != 2 && vw != 4)) {
            throw new IllegalArgumentException("GemmTileConfig: sizes must be positive and vw 1, 2 or 4: " + describe(wgx, wgy, tm, tn, tk, vw));
        }
        int nt = wgx * wgy;
        int bm = wgy * tm;
        int bn = wgx * tn;
        if (bm * tk % (nt * vw) != 0 || bn * tk % (nt * vw) != 0 || tk % vw != 0 || bm % vw != 0 || bn % vw != 0) {
            throw new IllegalArgumentException("GemmTileConfig: the " + bm + "x" + tk + " and " + bn + "x" + tk
                    + " tiles do not split into vectors of " + vw + " over " + nt + " work-items: "
                    + describe(wgx, wgy, tm, tn, tk, vw));
        }
    }

    /** A default for devices that have not been tuned: 128x128 blocks on GPUs, 32x32 on CPUs. */
    public static GemmTileConfig defaultFor(ClDevice device) {
        GemmTileConfig c = device.type() == ClDeviceType.CPU ? new GemmTileConfig(8, 8, 4, 4, 16, 4)
                : new GemmTileConfig(16, 16, 8, 8, 16, 4);
        return c.fits(device) ? c : new GemmTileConfig(4, 4, 2, 2, 8, 1);
    }

    /** The configurations the tuner tries, largest blocks first; those that do not fit are skipped. */
    public static List<GemmTileConfig> candidates(ClDevice device) {
        List<GemmTileConfig> all = device.type() == ClDeviceType.CPU
                ? List.of(new GemmTileConfig(8, 8, 4, 4, 16, 4), new GemmTileConfig(8, 8, 8, 8, 16, 4),
                        new GemmTileConfig(4, 4, 8, 8, 16, 4), new GemmTileConfig(16, 16, 4, 4, 16, 4),
                        new GemmTileConfig(8, 8, 2, 2, 16, 1))
                : List.of(new GemmTileConfig(16, 16, 8, 8, 16, 4), new GemmTileConfig(16, 16, 8, 8, 8, 2),
                        new GemmTileConfig(16, 16, 4, 8, 16, 4), new GemmTileConfig(16, 8, 8, 8, 16, 4),
                        new GemmTileConfig(32, 8, 8, 4, 16, 4), new GemmTileConfig(16, 16, 4, 4, 16, 4),
                        new GemmTileConfig(8, 8, 8, 8, 16, 4), new GemmTileConfig(16, 16, 8, 8, 32, 4));
        return all.stream().filter(c -> c.fits(device)).toList();
    }

    /** Rows of C per work-group. */
    public int blockM() {
        return wgy * tm;
    }

    /** Columns of C per work-group. */
    public int blockN() {
        return wgx * tn;
    }

    /** Bytes of local memory the kernel declares: two buffers of each tile (plus one pad column). */
    public long localBytes() {
        return 2L * tk * (blockM() + 1 + blockN() + 1) * Float.BYTES;
    }

    /** True when the work-group and the local memory fit the device. */
    public boolean fits(ClDevice device) {
        return (long) wgx * wgy <= device.maxWorkGroupSize() && localBytes() <= device.localMemBytes();
    }

    /** The compiler defines. */
    public Map<String, Integer> defines() {
        return Map.of("WGX", wgx, "WGY", wgy, "TM", tm, "TN", tn, "TK", tk, "VW", vw);
    }

    /** A line such as {@code wgx=16 wgy=16 tm=8 tn=8 tk=16 vw=4}, as {@link #parse} reads it. */
    public String describe() {
        return describe(wgx, wgy, tm, tn, tk, vw);
    }

    /**
     * Reads {@link #describe()}'s format.
     *
     * @throws IllegalArgumentException when a field is missing or not a number
     */
    public static GemmTileConfig parse(String text) {
        int[] v = new int[6];
        String[] names = {"wgx", "wgy", "tm", "tn", "tk", "vw"};
        boolean[] seen = new boolean[6];
        for (String part : text.trim().split("\\s+")) {
            String[] kv = part.split("=", 2);
            for (int i = 0; i < names.length; i++) {
                if (kv.length == 2 && kv[0].equals(names[i])) {
                    try {
                        v[i] = Integer.parseInt(kv[1]);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("GemmTileConfig.parse: " + part + " is not a number in \"" + text + "\"");
                    }
                    seen[i] = true;
                }
            }
        }
        for (int i = 0; i < seen.length; i++) {
            if (!seen[i]) {
                throw new IllegalArgumentException("GemmTileConfig.parse: no " + names[i] + " in \"" + text + "\"");
            }
        }
        return new GemmTileConfig(v[0], v[1], v[2], v[3], v[4], v[5]);
    }

    private static String describe(int wgx, int wgy, int tm, int tn, int tk, int vw) {
        return "wgx=" + wgx + " wgy=" + wgy + " tm=" + tm + " tn=" + tn + " tk=" + tk + " vw=" + vw;
    }
}
