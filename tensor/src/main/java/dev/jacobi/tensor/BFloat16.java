package dev.jacobi.tensor;

/** Conversions between float and bfloat16 (the upper 16 bits of an IEEE float32). */
public final class BFloat16 {
    private BFloat16() {
    }

    /** Widens bfloat16 bits to float exactly. */
    public static float toFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** Rounds a float to the nearest bfloat16, ties to even; NaN stays NaN (quiet). */
    public static short fromFloat(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        int roundingBias = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + roundingBias) >>> 16);
    }
}
