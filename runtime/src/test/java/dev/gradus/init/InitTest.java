package dev.gradus.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.tensor.DType;
import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class InitTest {
    /** 100 000 samples: the sample mean's standard error is σ/316, the sample std's about σ/447. */
    private static final int SAMPLES = 100_000;

    private static final List<Initializer> RANDOM = List.of(
            Init.uniform(-2, 3), Init.gaussian(1, 2), Init.glorotNormal(1), Init.glorotUniform(1),
            Init.heNormal(1), Init.heUniform(1));

    @Test
    void sameSeedGivesTheSameTensorAndAnotherSeedAnother() {
        for (Initializer init : RANDOM) {
            for (DType dtype : List.of(DType.FLOAT32, DType.FLOAT64)) {
                Tensor a = init.create(dtype, Shape.of(20, 30), 7L);
                Tensor b = init.create(dtype, Shape.of(20, 30), 7L);
                Tensor c = init.create(dtype, Shape.of(20, 30), 8L);
                assertArrayEquals(a.toDoubleArray(), b.toDoubleArray(), init + " " + dtype);
                assertFalse(Arrays.equals(a.toDoubleArray(), c.toDoubleArray()), init + " " + dtype);
            }
        }
    }

    @Test
    void aGeneratorIsAdvancedOneDrawPerElementInRowMajorOrder() {
        Tensor whole = Init.gaussian(0, 1).create(DType.FLOAT64, Shape.of(10), new SplittableRandom(3));
        SplittableRandom r = new SplittableRandom(3);
        Tensor first = Init.gaussian(0, 1).create(DType.FLOAT64, Shape.of(4), r);
        Tensor rest = Init.gaussian(0, 1).create(DType.FLOAT64, Shape.of(2, 3), r);
        assertArrayEquals(Arrays.copyOfRange(whole.toDoubleArray(), 0, 4), first.toDoubleArray());
        assertArrayEquals(Arrays.copyOfRange(whole.toDoubleArray(), 4, 10), rest.toDoubleArray());
    }

    @Test
    void float32IsFloat64RoundedToFloat() {
        for (Initializer init : RANDOM) {
            double[] d = init.create(DType.FLOAT64, Shape.of(50, 40), 11L).toDoubleArray();
            float[] f = init.create(DType.FLOAT32, Shape.of(50, 40), 11L).float32Data();
            for (int i = 0; i < d.length; i++) {
                assertEquals((float) d[i], f[i], init + " element " + i);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void resultsHaveTheAskedDtypeAndShapeAndAreContiguous(DType dtype) {
        for (Initializer init : RANDOM) {
            for (Shape shape : List.of(Shape.of(5), Shape.of(3, 4), Shape.of(2, 3, 2, 2), Shape.of(0, 4))) {
                Tensor t = init.create(dtype, shape, 1L);
                assertEquals(dtype, t.dtype(), init.toString());
                assertEquals(shape, t.shape(), init.toString());
                assertTrue(t.isContiguous());
            }
        }
    }

    @Test
    void zerosOnesAndConstantFillEveryDtype() {
        for (DType dtype : DType.values()) {
            assertArrayEquals(new double[6], Init.zeros().create(dtype, Shape.of(2, 3), 0L).toDoubleArray());
            Tensor ones = Init.ones().create(dtype, Shape.of(2, 3), 0L);
            assertEquals(dtype, ones.dtype());
            assertArrayEquals(new double[] {1, 1, 1, 1, 1, 1}, ones.toDoubleArray());
            assertEquals(1.0, Init.ones().create(dtype, Shape.scalar(), 0L).item());
        }
        assertArrayEquals(new double[] {2.5, 2.5}, Init.constant(2.5).create(DType.FLOAT64, Shape.of(2), 0L).toDoubleArray());
        SplittableRandom r = new SplittableRandom(5);
        Init.zeros().create(DType.FLOAT64, Shape.of(100), r);
        assertEquals(new SplittableRandom(5).nextLong(), r.nextLong(), "a deterministic initializer draws nothing");
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void gaussianHasTheAskedMoments(DType dtype) {
        assertMoments(Init.gaussian(1.5, 0.25).create(dtype, Shape.of(SAMPLES), 1L), 1.5, 0.25);
        assertMoments(Init.gaussian(-3, 0).create(dtype, Shape.of(100), 1L), -3, 0);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void uniformStaysWithinItsBoundsAndFillsThem(DType dtype) {
        Tensor t = Init.uniform(-2, 3).create(dtype, Shape.of(SAMPLES), 2L);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : t.toDoubleArray()) {
            assertTrue(v >= -2 && v < 3, "element " + v + " outside [-2, 3)");
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertTrue(min < -2 + 1e-3 && max > 3 - 1e-3, "covers the interval: " + min + " .. " + max);
        // U[a, b): mean (a+b)/2, std (b-a)/√12
        assertMoments(t, 0.5, 5 / Math.sqrt(12));
    }

    @Test
    void uniformUpperBoundStaysExclusiveWhenFloatRoundingReachesIt() {
        // Half of the draws round to 1 + 2^-23 or above when computed in double and rounded to float.
        double low = 1.0;
        double high = 1.0 + Math.ulp(1.0f);
        Tensor t = Init.uniform(low, high).create(DType.FLOAT32, Shape.of(1000), 3L);
        for (float v : t.float32Data()) {
            assertEquals(1.0f, v);
        }
    }

    @Test
    void glorotAndHeScaleWithTheFans() {
        // (in, out) = (300, 200): Glorot σ = √(2/500), a = √(6/500); He σ = √(2/300), a = √(6/300)
        Shape dense = Shape.of(300, 200);
        double gain = 1.7;
        assertMoments(Init.glorotNormal(gain).create(DType.FLOAT64, dense, 4L), 0, gain * Math.sqrt(2.0 / 500));
        assertMoments(Init.heNormal(gain).create(DType.FLOAT64, dense, 4L), 0, gain * Math.sqrt(2.0 / 300));
        assertUniformLimit(Init.glorotUniform(gain).create(DType.FLOAT64, dense, 4L), gain * Math.sqrt(6.0 / 500));
        assertUniformLimit(Init.heUniform(gain).create(DType.FLOAT64, dense, 4L), gain * Math.sqrt(6.0 / 300));
        // conv kernel (out, in, kh, kw) = (64, 32, 5, 5): fanIn = 32·25 = 800, fanOut = 64·25 = 1600
        Shape conv = Shape.of(64, 32, 5, 5);
        assertMoments(Init.glorotNormal(1).create(DType.FLOAT32, conv, 5L), 0, Math.sqrt(2.0 / 2400));
        assertMoments(Init.heNormal(1).create(DType.FLOAT32, conv, 5L), 0, Math.sqrt(2.0 / 800));
        assertUniformLimit(Init.heUniform(1).create(DType.FLOAT32, conv, 5L), Math.sqrt(6.0 / 800));
    }

    @Test
    void fansFollowTheDocumentedConventions() {
        assertEquals(new Fans(7, 7), Fans.of(Shape.of(7)));
        assertEquals(new Fans(3, 5), Fans.of(Shape.of(3, 5)), "rank 2 is (in, out)");
        assertEquals(new Fans(3 * 4 * 5, 8 * 4 * 5), Fans.of(Shape.of(8, 3, 4, 5)), "conv kernels are (out, in, kh, kw)");
        assertEquals(new Fans(3 * 9, 8 * 9), Fans.of(Shape.of(8, 3, 9)), "1-d conv kernels are (out, in, k)");
        assertEquals(new Fans(2 * 3 * 3 * 3, 4 * 3 * 3 * 3), Fans.of(Shape.of(4, 2, 3, 3, 3)));
        assertEquals(new Fans(0, 8 * 4), Fans.of(Shape.of(8, 0, 4)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Fans.of(Shape.scalar()));
        assertTrue(e.getMessage().contains("scalar"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Fans.of(Shape.of(0, Integer.MAX_VALUE, Integer.MAX_VALUE, 2)));
        assertTrue(e.getMessage().contains("exceed"), e.getMessage());
    }

    @Test
    void fanBasedInitializersRefuseScalarsButAcceptEmptyTensors() {
        for (Initializer init : List.of(Init.glorotNormal(1), Init.glorotUniform(1), Init.heNormal(1), Init.heUniform(1))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> init.create(DType.FLOAT64, Shape.scalar(), 1L));
            assertTrue(e.getMessage().contains("fan-in"), e.getMessage());
            assertEquals(0, init.create(DType.FLOAT64, Shape.of(0, 3), 1L).size());
        }
        assertEquals(1, Init.gaussian(0, 1).create(DType.FLOAT64, Shape.scalar(), 1L).size(), "plain noise takes scalars");
    }

    @Test
    void invalidArgumentsAreRefusedNamingTheParameter() {
        assertMessage("std", () -> Init.gaussian(0, -1));
        assertMessage("std", () -> Init.gaussian(0, Double.NaN));
        assertMessage("mean", () -> Init.gaussian(Double.POSITIVE_INFINITY, 1));
        assertMessage("low must be less than high", () -> Init.uniform(1, 1));
        assertMessage("low must be less than high", () -> Init.uniform(2, 1));
        assertMessage("low", () -> Init.uniform(Double.NaN, 1));
        assertMessage("high", () -> Init.uniform(0, Double.POSITIVE_INFINITY));
        assertMessage("overflows", () -> Init.uniform(-Double.MAX_VALUE, Double.MAX_VALUE));
        assertMessage("value", () -> Init.constant(Double.NaN));
        for (double gain : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertMessage("gain", () -> Init.glorotNormal(gain));
            assertMessage("gain", () -> Init.glorotUniform(gain));
            assertMessage("gain", () -> Init.heNormal(gain));
            assertMessage("gain", () -> Init.heUniform(gain));
        }
        for (Initializer init : RANDOM) {
            assertMessage("int32", () -> init.create(DType.INT32, Shape.of(2, 2), 1L));
            assertMessage("bool", () -> init.create(DType.BOOL, Shape.of(2, 2), 1L));
        }
        assertThrows(NullPointerException.class, () -> Init.uniform(0, 1).create(DType.FLOAT64, Shape.of(2), null));
    }

    @Test
    void initializersPrintAsTheCallThatMadeThem() {
        assertEquals("uniform(-2.0, 3.0)", Init.uniform(-2, 3).toString());
        assertEquals("glorotUniform(1.0)", Init.glorotUniform(1).toString());
        assertEquals("zeros()", Init.zeros().toString());
    }

    private static void assertMessage(String expected, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }

    @FunctionalInterface
    private interface Executable {
        void run();
    }

    /** Sample mean and std within 5 standard errors of the expected ones. */
    private static void assertMoments(Tensor t, double mean, double std) {
        double[] v = t.toDoubleArray();
        double sum = 0;
        for (double x : v) {
            sum += x;
        }
        double m = sum / v.length;
        double ss = 0;
        for (double x : v) {
            ss += (x - m) * (x - m);
        }
        double s = Math.sqrt(ss / (v.length - 1));
        double tolerance = 5 * std / Math.sqrt(v.length);
        assertEquals(mean, m, tolerance + 1e-12, "mean");
        // the sample std's standard error is about σ/√(2n) for the normal, less for the uniform
        assertEquals(std, s, 5 * std / Math.sqrt(2.0 * v.length) + 1e-6 * std + 1e-12, "std");
    }

    /** Every element within [-a, a), the extremes close to ±a, and the std of U[-a, a), a/√3. */
    private static void assertUniformLimit(Tensor t, double a) {
        double max = 0;
        for (double v : t.toDoubleArray()) {
            assertTrue(v >= -a && v < a, v + " outside [" + -a + ", " + a + ")");
            max = Math.max(max, Math.abs(v));
        }
        assertTrue(max > 0.99 * a, "reaches near the limit: " + max + " vs " + a);
        assertMoments(t, 0, a / Math.sqrt(3));
    }
}
