package dev.gradus.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The accuracy contract of the device math, as checks against Java's result, and the input
 * sweeps they run over. float64: within 1e-14 relative (within 2 subnormal ulp where Java's
 * result is subnormal); float32: within 2 ulp of Java's double result rounded to float. NaN
 * exactly where Java gives NaN, and infinities and zeros (with their sign) exactly.
 */
final class Accuracy {
    private Accuracy() {
    }

    static final double RELATIVE_64 = 1e-14;
    static final int ULPS_32 = 2;

    /** Returns null when {@code got} meets the float64 contract for {@code want}, else why not. */
    static String check64(double want, double got) {
        if (Double.isNaN(want) || Double.isNaN(got)) {
            return Double.isNaN(want) == Double.isNaN(got) ? null : "NaN mismatch";
        }
        if (want == 0 || Double.isInfinite(want) || got == 0 || Double.isInfinite(got)) {
            return Double.doubleToRawLongBits(want) == Double.doubleToRawLongBits(got) ? null : "exact value expected";
        }
        double diff = Math.abs(got - want);
        if (Math.abs(want) < Double.MIN_NORMAL) {
            return diff <= 2 * Double.MIN_VALUE ? null : "subnormal off by " + diff / Double.MIN_VALUE + " ulp";
        }
        return diff <= RELATIVE_64 * Math.abs(want) ? null : "relative error " + diff / Math.abs(want);
    }

    /** Returns null when {@code got} meets the float32 contract for {@code want}, else why not. */
    static String check32(float want, float got) {
        if (Float.isNaN(want) || Float.isNaN(got)) {
            return Float.isNaN(want) == Float.isNaN(got) ? null : "NaN mismatch";
        }
        if (want == 0 || Float.isInfinite(want) || got == 0 || Float.isInfinite(got)) {
            return Float.floatToRawIntBits(want) == Float.floatToRawIntBits(got) ? null : "exact value expected";
        }
        long ulps = Math.abs(ordered(want) - ordered(got));
        return ulps <= ULPS_32 ? null : ulps + " ulp apart";
    }

    /** Float bits mapped to a line where adjacent floats differ by 1. */
    private static long ordered(float f) {
        int bits = Float.floatToRawIntBits(f);
        return bits < 0 ? -(long) (bits & 0x7FFF_FFFF) : bits;
    }

    /** Values where functions change regime or Java has special cases. */
    static List<Double> edgeValues() {
        double[] base = {0.0, Double.MIN_VALUE, 3 * Double.MIN_VALUE, 0x1p-1060, Double.MIN_NORMAL,
            Math.nextDown(Double.MIN_NORMAL), Math.nextUp(Double.MIN_NORMAL), 1e-300, 1e-20, 1e-8, 1e-5, 0.25,
            0.34657359027997264, 0.3465736, 0.5, 0.7071067811865476, 1 - 0x1p-53, 1.0, 1 + 0x1p-52, 1.4142135623730951,
            1.5, Math.PI / 4, Math.PI / 2, 2.0, 2.5, 3.0, Math.PI, 10, 22, 22.5, 44, 100, 355, 709.78, 709.7827128933840,
            709.8, 710, 710.4758600739439, 710.5, 745.13321910194110, 745.2, 746, 760, 800, 1e5, 12345.678, 0x1p30,
            Math.nextDown(0x1p30), 0x1p30 + 1, 1e9, 1e15, 0x1p52, 0x1p53 + 2, 1e22, 1e100, 6381956970095103.0 * 0x1p797,
            1e300, Double.MAX_VALUE, Double.POSITIVE_INFINITY, Double.NaN};
        List<Double> out = new ArrayList<>();
        for (double v : base) {
            out.add(v);
            out.add(-v);
        }
        return out;
    }

    /** Edge values, random bit patterns (every binade), and uniform values in several ranges. */
    static double[] sweep(long seed, int randomCount) {
        Random rnd = new Random(seed);
        List<Double> values = new ArrayList<>(edgeValues());
        for (int k = 0; k < randomCount; k++) {
            double v = switch (k % 6) {
                case 0 -> Double.longBitsToDouble(rnd.nextLong());
                case 1 -> (rnd.nextDouble() * 2 - 1) * 2;
                case 2 -> (rnd.nextDouble() * 2 - 1) * 40;
                case 3 -> (rnd.nextDouble() * 2 - 1) * 800;
                case 4 -> Math.scalb(rnd.nextDouble() + 0.5, rnd.nextInt(120) - 60) * (rnd.nextBoolean() ? 1 : -1);
                default -> Math.rint((rnd.nextDouble() * 2 - 1) * 1e6) * (Math.PI / 2) * (1 + (rnd.nextDouble() - 0.5) * 0x1p-40);
            };
            values.add(v);
        }
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
