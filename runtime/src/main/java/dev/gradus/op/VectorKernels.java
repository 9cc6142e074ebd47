package dev.gradus.op;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Exp, tanh and sigmoid over plain arrays with the Vector API ({@code jdk.incubator.vector}),
 * for the table entries of {@link UnaryOps}, and the four arithmetic operations for
 * {@link Arithmetic} where the operands start at different offsets. Loaded only through {@link Vectorized}, which
 * checks first that the module is in the boot layer: this class links against it.
 *
 * <p>Each kernel processes the longest prefix of its block that is a whole number of vectors
 * and returns its length; the caller finishes the tail with its scalar loop. Because
 * {@link dev.gradus.tensor.Parallel#forRange} splits on multiples of 16 and the lane counts
 * {@link Vectorized} accepts divide 16, the elements left to the tail are the same for any
 * split, so results do not depend on the thread count.
 *
 * <p>One exponential serves all three ops. With t clamped to where eᵗ is finite and
 * representable: k = round(t·log₂e) by the magic-number trick (adding 1.5·2ᵖ⁻¹ rounds to an
 * integer and leaves k in the low bits, so no float→int conversion is needed, which the JDK 17
 * Vector API does not compile to an instruction); r = t − k·ln 2 in two parts (Cody–Waite, the
 * high part has few enough bits that k·ln2hi is exact), |r| ≤ ln 2 / 2; eʳ − 1 = r + r²·P(r)
 * with the Taylor coefficients of degree 7 (float) or 13 (double), whose truncation error is
 * far below half an ulp there; then 2ᵏ from bits.
 *
 * <p>Each kernel runs a narrow form first: for |t| ≤ 87 (float) or 708 (double) eᵗ needs no
 * clamp and 2ᵏ is one normal factor. A vector with a lane beyond that (rare in practice: a
 * branch on one compare) is redone by the wide form, which clamps t and applies 2ᵏ as two
 * factors 2^round(k/2) · 2^(k − round(k/2)), each a normal number over the whole range, so eᵗ
 * reaches +∞ and the subnormals with a single rounding at the last multiply. Where both apply
 * the two forms give the same bits, so no lane's result depends on its neighbours. Clamps are
 * a compare and a blend, not {@code max}/{@code min}: on JDK 17 those compile to Java's −0 and
 * NaN rules, several instructions each; with them the float32 sigmoid ran 1.4 times slower.
 *
 * <p>Accuracy, measured by {@code VectorKernelsTest} against the double scalar forms: float32
 * within 2 ulps of the scalar form rounded to float, float64 within 4 ulps where the result is
 * normal and within 2⁻¹⁰⁷⁴ · 2 below; NaN exactly where the scalar form gives NaN, ±0 and ±∞
 * exact.
 */
final class VectorKernels {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;

    private static final float LOG2E_F = 1.44269504088896341f;
    // ln 2 = LN2_HI_F + LN2_LO_F; LN2_HI_F has 9 significant bits, so k·LN2_HI_F is exact for |k| < 2¹⁵.
    private static final float LN2_HI_F = 0.693359375f;
    private static final float LN2_LO_F = -2.12194440e-4f;
    /** 1.5·2²³: adding it rounds a float of magnitude below 2²² to an integer, kept in the low bits. */
    private static final float MAGIC_F = 12582912f;

    private static final double LOG2E_D = 1.4426950408889634;
    // fdlibm's split of ln 2: LN2_HI_D has 32 significant bits, so k·LN2_HI_D is exact for |k| < 2²¹.
    private static final double LN2_HI_D = 6.93147180369123816490e-01;
    private static final double LN2_LO_D = 1.90821492927058770002e-10;
    /** 1.5·2⁵²: as {@link #MAGIC_F} for doubles. */
    private static final double MAGIC_D = 6755399441055744.0;

    // Where eᵗ is +∞ (above) or rounds to 0 (below) in each precision, with margin; clamping
    // there keeps k in the range the two-factor scaling handles.
    private static final float EXP_MAX_F = 89f;
    private static final float EXP_MIN_F = -104f;
    private static final double EXP_MAX_D = 710;
    private static final double EXP_MIN_D = -746;
    // tanh |x| rounds to 1 once e^(−2|x|) is below half an ulp of 1: from 2|x| ≈ 17.3 (float) and
    // 37.4 (double). Clamping −2|x| there keeps 2ᵏ a normal number.
    private static final float TANH_CLAMP_F = -20f;
    private static final double TANH_CLAMP_D = -40;
    // Up to these magnitudes of t, eᵗ needs no clamp and 2ᵏ is one normal factor (|k| ≤ 126
    // and 1021), so the kernels' fast paths check only this bound.
    private static final float NARROW_F = 87f;
    private static final double NARROW_D = 708;

    // Every constant of the float64 kernels, as a vector built once. An operation with a scalar
    // argument (x.fma(a, b), v.and(bits)) broadcasts it inside the loop body, and those
    // broadcasts made the float64 kernels' compiled bodies large and deep enough that C2
    // sometimes stopped inlining and intrinsifying part-way (observed: tanh running the Vector
    // API's Java fallbacks, allocating on every element, for a whole test run); with these,
    // float64 sigmoid also runs 25% faster. The float32 kernels are smaller and keep scalar
    // arguments: constant vectors measured 10% slower there (their payloads are reloaded
    // after every store).

    private static final DoubleVector D_LOG2E = DoubleVector.broadcast(D, LOG2E_D);
    private static final DoubleVector D_MAGIC = DoubleVector.broadcast(D, MAGIC_D);
    private static final DoubleVector D_MINUS_LN2_HI = DoubleVector.broadcast(D, -LN2_HI_D);
    private static final DoubleVector D_MINUS_LN2_LO = DoubleVector.broadcast(D, -LN2_LO_D);
    private static final DoubleVector D_HALF = DoubleVector.broadcast(D, 0.5);
    private static final DoubleVector D_ZERO = DoubleVector.broadcast(D, 0.0);
    private static final DoubleVector D_ONE = DoubleVector.broadcast(D, 1.0);
    private static final DoubleVector D_TWO = DoubleVector.broadcast(D, 2.0);
    private static final DoubleVector D_MINUS_TWO = DoubleVector.broadcast(D, -2.0);
    private static final DoubleVector D_EXP_MIN = DoubleVector.broadcast(D, EXP_MIN_D);
    private static final DoubleVector D_EXP_MAX = DoubleVector.broadcast(D, EXP_MAX_D);
    private static final DoubleVector D_TANH_CLAMP = DoubleVector.broadcast(D, TANH_CLAMP_D);
    private static final DoubleVector D_NARROW = DoubleVector.broadcast(D, NARROW_D);
    // 1/n! for the double polynomial.
    private static final DoubleVector D_C2 = DoubleVector.broadcast(D, 0.5);
    private static final DoubleVector D_C3 = DoubleVector.broadcast(D, 1.0 / 6.0);
    private static final DoubleVector D_C4 = DoubleVector.broadcast(D, 1.0 / 24.0);
    private static final DoubleVector D_C5 = DoubleVector.broadcast(D, 1.0 / 120.0);
    private static final DoubleVector D_C6 = DoubleVector.broadcast(D, 1.0 / 720.0);
    private static final DoubleVector D_C7 = DoubleVector.broadcast(D, 1.0 / 5040.0);
    private static final DoubleVector D_C8 = DoubleVector.broadcast(D, 1.0 / 40320.0);
    private static final DoubleVector D_C9 = DoubleVector.broadcast(D, 1.0 / 362880.0);
    private static final DoubleVector D_C10 = DoubleVector.broadcast(D, 1.0 / 3628800.0);
    private static final DoubleVector D_C11 = DoubleVector.broadcast(D, 1.0 / 39916800.0);
    private static final DoubleVector D_C12 = DoubleVector.broadcast(D, 1.0 / 479001600.0);
    private static final DoubleVector D_C13 = DoubleVector.broadcast(D, 1.0 / 6227020800.0);
    private static final LongVector L_1023 = LongVector.broadcast(D.withLanes(long.class), 1023L);
    private static final LongVector L_SIGN = LongVector.broadcast(D.withLanes(long.class), Long.MIN_VALUE);

    private VectorKernels() {
    }

    /**
     * Returns null if the preferred vector shapes suit these kernels, else why not: fewer than
     * 4 float lanes gain little over the scalar loops, and lane counts must divide 16 (see the
     * class comment).
     */
    static String unsuitableShape() {
        int floats = F.length();
        int doubles = D.length();
        if (floats < 4 || 16 % floats != 0 || doubles < 2 || 16 % doubles != 0) {
            return "the preferred vector shape has " + floats + " float lanes and " + doubles + " double lanes";
        }
        return null;
    }

    /** Returns a description of the preferred shapes, for the log. */
    static String shape() {
        return F.length() + " float lanes, " + D.length() + " double lanes";
    }

    /**
     * {@code out[oo + j] = a[ao + j] op b[bo + j]} for j below the returned count (the largest
     * multiple of the lane count not above {@code n}), op one of {@link Arithmetic}'s constants;
     * IEEE operations, so each element is the scalar loop's, bit for bit.
     */
    static int arithmetic(int op, float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int bound = F.loopBound(n);
        int step = F.length();
        switch (op) {
            case Arithmetic.ADD -> {
                for (int j = 0; j < bound; j += step) {
                    FloatVector.fromArray(F, a, ao + j).add(FloatVector.fromArray(F, b, bo + j)).intoArray(out, oo + j);
                }
            }
            case Arithmetic.SUB -> {
                for (int j = 0; j < bound; j += step) {
                    FloatVector.fromArray(F, a, ao + j).sub(FloatVector.fromArray(F, b, bo + j)).intoArray(out, oo + j);
                }
            }
            case Arithmetic.MUL -> {
                for (int j = 0; j < bound; j += step) {
                    FloatVector.fromArray(F, a, ao + j).mul(FloatVector.fromArray(F, b, bo + j)).intoArray(out, oo + j);
                }
            }
            default -> {
                for (int j = 0; j < bound; j += step) {
                    FloatVector.fromArray(F, a, ao + j).div(FloatVector.fromArray(F, b, bo + j)).intoArray(out, oo + j);
                }
            }
        }
        return bound;
    }

    /** The float64 twin of {@link #arithmetic(int, float[], int, float[], int, float[], int, int)}. */
    static int arithmetic(int op, double[] a, int ao, double[] b, int bo, double[] out, int oo, int n) {
        int bound = D.loopBound(n);
        int step = D.length();
        switch (op) {
            case Arithmetic.ADD -> {
                for (int j = 0; j < bound; j += step) {
                    DoubleVector.fromArray(D, a, ao + j).add(DoubleVector.fromArray(D, b, bo + j)).intoArray(out, oo + j);
                }
            }
            case Arithmetic.SUB -> {
                for (int j = 0; j < bound; j += step) {
                    DoubleVector.fromArray(D, a, ao + j).sub(DoubleVector.fromArray(D, b, bo + j)).intoArray(out, oo + j);
                }
            }
            case Arithmetic.MUL -> {
                for (int j = 0; j < bound; j += step) {
                    DoubleVector.fromArray(D, a, ao + j).mul(DoubleVector.fromArray(D, b, bo + j)).intoArray(out, oo + j);
                }
            }
            default -> {
                for (int j = 0; j < bound; j += step) {
                    DoubleVector.fromArray(D, a, ao + j).div(DoubleVector.fromArray(D, b, bo + j)).intoArray(out, oo + j);
                }
            }
        }
        return bound;
    }

    // ---- float32 ----

    /**
     * e^r − 1 for |r| ≤ ln 2 / 2 (and NaN): r + r²·P(r), P the Taylor series to r⁵/7!, by
     * Horner's scheme: 7 operations, against Estrin's 9 with a chain of 3 fused multiply-adds
     * instead of 6; float32 vectors are short enough that the out-of-order core overlaps the
     * longer chain of consecutive vectors, and Horner measured 2–4% faster here. (float64's
     * longer polynomial is the other way round: see its version.)
     */
    private static FloatVector expm1Reduced(FloatVector r) {
        FloatVector p = r.fma(1f / 5040, 1f / 720);
        p = p.fma(r, broadcast(1f / 120));
        p = p.fma(r, broadcast(1f / 24));
        p = p.fma(r, broadcast(1f / 6));
        p = p.fma(r, broadcast(0.5f));
        return r.mul(r).fma(p, r);
    }

    private static FloatVector broadcast(float c) {
        return FloatVector.broadcast(F, c);
    }

    /** 2ᵏ as a float, given k + {@link #MAGIC_F} with −126 ≤ k ≤ 127. */
    private static FloatVector pow2(FloatVector kPlusMagic) {
        // The magic number's bits vanish in the shift: 0x4B400000 << 23 overflows to 0.
        return kPlusMagic.reinterpretAsInts().add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    }

    /**
     * eᵗ for |t| ≤ {@link #NARROW_F} or NaN: 2ᵏ·(1 + (eʳ−1)) with 2ᵏ one normal factor. Where
     * both apply, the same bits as {@link #expClamped(FloatVector)}: its two factors are exact
     * powers of two while the result is normal, which it is here.
     */
    private static FloatVector expNarrow(FloatVector t) {
        FloatVector kb = t.fma(LOG2E_F, MAGIC_F);
        FloatVector k = kb.sub(MAGIC_F);
        FloatVector r = k.fma(broadcast(-LN2_HI_F), t);
        r = k.fma(broadcast(-LN2_LO_F), r);
        FloatVector s = pow2(kb);
        return expm1Reduced(r).fma(s, s);
    }

    /** True if some lane of v lies beyond ±limit (NaN does not). */
    private static boolean anyBeyond(FloatVector v, float limit) {
        return v.abs().compare(VectorOperators.GT, limit).anyTrue();
    }

    /**
     * max(v, lo) for lo not NaN, NaN lanes kept: a compare and a blend. {@code v.max(lo)} does
     * the same but compiles on JDK 17 to a longer sequence (Java's rules for −0 and NaN) that
     * measured 2.5 times slower inside these kernels.
     */
    private static FloatVector atLeast(FloatVector v, float lo) {
        return v.blend(lo, v.compare(VectorOperators.LT, lo));
    }

    /** min(v, hi) for hi not NaN, NaN lanes kept; see {@link #atLeast(FloatVector, float)}. */
    private static FloatVector atMost(FloatVector v, float hi) {
        return v.blend(hi, v.compare(VectorOperators.GT, hi));
    }

    /** eᵗ for t in [{@link #EXP_MIN_F}, {@link #EXP_MAX_F}] or NaN. */
    private static FloatVector expClamped(FloatVector t) {
        FloatVector kb = t.fma(LOG2E_F, MAGIC_F);
        FloatVector k = kb.sub(MAGIC_F);
        FloatVector r = k.fma(broadcast(-LN2_HI_F), t);
        r = k.fma(broadcast(-LN2_LO_F), r);
        // k1 = round(k/2) and k2 = k − k1, both in [−75, 64]: exact float arithmetic on integers.
        FloatVector k1b = k.fma(0.5f, MAGIC_F);
        FloatVector k2b = kb.sub(k1b).add(MAGIC_F);
        // 2^k1 + 2^k1·(eʳ−1) in one rounding (rounding 1 + (eʳ−1) first would add half an ulp),
        // then an exact scaling, or the one rounding to a subnormal.
        FloatVector s1 = pow2(k1b);
        return expm1Reduced(r).fma(s1, s1).mul(pow2(k2b));
    }

    /**
     * {@code out[outOffset + j] = (float) Math.exp(x[xOffset + j])} within 2 ulps for j below the
     * returned count, the largest multiple of the lane count not above {@code n}.
     */
    static int exp(float[] x, int xOffset, float[] out, int outOffset, int n) {
        int bound = F.loopBound(n);
        for (int j = 0; j < bound; j += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, xOffset + j);
            expNarrow(v).intoArray(out, outOffset + j);
            // Rare: a lane beyond the narrow range (it held junk) redoes the vector clamped,
            // which gives the other lanes the same bits again.
            if (anyBeyond(v, NARROW_F)) {
                expClamped(atMost(atLeast(v, EXP_MIN_F), EXP_MAX_F)).intoArray(out, outOffset + j);
            }
        }
        return bound;
    }

    /** As {@link #exp(float[], int, float[], int, int)} for the logistic function. */
    static int sigmoid(float[] x, int xOffset, float[] out, int outOffset, int n) {
        int bound = F.loopBound(n);
        FloatVector one = broadcast(1f);
        for (int j = 0; j < bound; j += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, xOffset + j);
            // σ(x) = 1/(1 + e^(−x)): one division; the error of e^(−x) is damped by 1 + e^(−x) ≥ 1.
            one.div(expNarrow(v.neg()).add(one)).intoArray(out, outOffset + j);
            if (anyBeyond(v, NARROW_F)) {
                sigmoidWide(v).intoArray(out, outOffset + j);
            }
        }
        return bound;
    }

    /**
     * σ over every float, the same bits as the narrow form where |x| ≤ {@link #NARROW_F}. Below
     * −{@link #NARROW_F}, σ(x) = eˣ/(1 + eˣ) rounds to eˣ (eˣ < 2⁻¹²⁵), so the exponential of
     * x itself is the result, subnormals included; above, e^(−x) is clamped to a tiny normal.
     */
    private static FloatVector sigmoidWide(FloatVector v) {
        VectorMask<Float> far = v.compare(VectorOperators.LT, -NARROW_F);
        FloatVector e = expClamped(atLeast(v.neg().blend(v, far), EXP_MIN_F));
        FloatVector one = broadcast(1f);
        return one.div(e.add(one)).blend(e, far);
    }

    /** As {@link #exp(float[], int, float[], int, int)} for the hyperbolic tangent. */
    static int tanh(float[] x, int xOffset, float[] out, int outOffset, int n) {
        int bound = F.loopBound(n);
        for (int j = 0; j < bound; j += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, xOffset + j);
            // tanh|x| = −m/(2+m) with m = e^(−2|x|) − 1 = 2ᵏ·(eʳ−1) + (2ᵏ−1): no
            // cancellation near 0, where 1 − e^(−2|x|) would lose the low bits of a small result.
            FloatVector t = atLeast(v.abs().mul(-2f), TANH_CLAMP_F);
            FloatVector kb = t.fma(LOG2E_F, MAGIC_F);
            FloatVector k = kb.sub(MAGIC_F);
            FloatVector r = k.fma(broadcast(-LN2_HI_F), t);
            r = k.fma(broadcast(-LN2_LO_F), r);
            FloatVector s = pow2(kb);
            // −m = (1 − 2ᵏ) − 2ᵏ·(eʳ−1); at x = ±0 this sums +0 and −0 to +0, so the sign below is x's.
            FloatVector negM = s.neg().fma(expm1Reduced(r), broadcast(1f).sub(s));
            FloatVector magnitude = negM.div(broadcast(2f).sub(negM));
            // Copy x's sign bit: odd, and tanh(−0) = −0.
            IntVector sign = v.reinterpretAsInts().and(0x80000000);
            magnitude.reinterpretAsInts().or(sign).reinterpretAsFloats().intoArray(out, outOffset + j);
        }
        return bound;
    }

    // ---- float64 ----

    /**
     * e^r − 1 for |r| ≤ ln 2 / 2 (and NaN): r + r²·P(r), P the Taylor series to r¹¹/13!, by
     * Estrin's scheme (pairs combined with r², then r⁴, r⁸): a chain of 4 fused multiply-adds
     * instead of Horner's 12. Horner's form, two operations fewer, ran float64 sigmoid 1.5
     * times slower: the chain, not the operation count, bounds these kernels.
     */
    private static DoubleVector expm1Reduced(DoubleVector r) {
        DoubleVector r2 = r.mul(r);
        DoubleVector r4 = r2.mul(r2);
        DoubleVector q01 = r.fma(D_C3, D_C2);
        DoubleVector q23 = r.fma(D_C5, D_C4);
        DoubleVector q45 = r.fma(D_C7, D_C6);
        DoubleVector q67 = r.fma(D_C9, D_C8);
        DoubleVector q89 = r.fma(D_C11, D_C10);
        DoubleVector q1011 = r.fma(D_C13, D_C12);
        DoubleVector s0 = q23.fma(r2, q01);
        DoubleVector s1 = q67.fma(r2, q45);
        DoubleVector s2 = q1011.fma(r2, q89);
        DoubleVector p = s2.fma(r4.mul(r4), s1.fma(r4, s0));
        return r2.fma(p, r);
    }


    /** 2ᵏ as a double, given k + {@link #MAGIC_D} with −1022 ≤ k ≤ 1023. */
    private static DoubleVector pow2(DoubleVector kPlusMagic) {
        // 0x4338000000000000 << 52 overflows to 0, leaving (k + 1023) << 52.
        return kPlusMagic.reinterpretAsLongs().add(L_1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
    }

    /** As {@link #expNarrow(FloatVector)}, for |t| ≤ {@link #NARROW_D}. */
    private static DoubleVector expNarrow(DoubleVector t) {
        DoubleVector kb = t.fma(D_LOG2E, D_MAGIC);
        DoubleVector k = kb.sub(D_MAGIC);
        DoubleVector r = k.fma(D_MINUS_LN2_HI, t);
        r = k.fma(D_MINUS_LN2_LO, r);
        DoubleVector s = pow2(kb);
        return expm1Reduced(r).fma(s, s);
    }

    /** As {@link #anyBeyond(FloatVector, float)}. */
    private static boolean anyBeyond(DoubleVector v, DoubleVector limit) {
        return v.abs().compare(VectorOperators.GT, limit).anyTrue();
    }

    /** As {@link #atLeast(FloatVector, float)}. */
    private static DoubleVector atLeast(DoubleVector v, DoubleVector lo) {
        return v.blend(lo, v.compare(VectorOperators.LT, lo));
    }

    /** As {@link #atMost(FloatVector, float)}. */
    private static DoubleVector atMost(DoubleVector v, DoubleVector hi) {
        return v.blend(hi, v.compare(VectorOperators.GT, hi));
    }

    /** eᵗ for t in [{@link #EXP_MIN_D}, {@link #EXP_MAX_D}] or NaN. */
    private static DoubleVector expClamped(DoubleVector t) {
        DoubleVector kb = t.fma(D_LOG2E, D_MAGIC);
        DoubleVector k = kb.sub(D_MAGIC);
        DoubleVector r = k.fma(D_MINUS_LN2_HI, t);
        r = k.fma(D_MINUS_LN2_LO, r);
        // k1 = round(k/2) and k2 = k − k1, both in [−539, 512]. The rounding by the magic
        // number avoids an arithmetic shift of 64-bit lanes, which AVX2 lacks.
        DoubleVector k1b = k.fma(D_HALF, D_MAGIC);
        DoubleVector k2b = kb.sub(k1b).add(D_MAGIC);
        DoubleVector s1 = pow2(k1b);
        return expm1Reduced(r).fma(s1, s1).mul(pow2(k2b));
    }

    /**
     * {@code out[outOffset + j] = Math.exp(x[xOffset + j])} within 4 ulps (2 ulps of
     * {@link Double#MIN_VALUE} for subnormal results) for j below the returned count, the
     * largest multiple of the lane count not above {@code n}.
     */
    static int exp(double[] x, int xOffset, double[] out, int outOffset, int n) {
        int bound = D.loopBound(n);
        for (int j = 0; j < bound; j += D.length()) {
            DoubleVector v = DoubleVector.fromArray(D, x, xOffset + j);
            expNarrow(v).intoArray(out, outOffset + j);
            if (anyBeyond(v, D_NARROW)) {
                expClamped(atMost(atLeast(v, D_EXP_MIN), D_EXP_MAX)).intoArray(out, outOffset + j);
            }
        }
        return bound;
    }

    /** As {@link #exp(double[], int, double[], int, int)} for the logistic function. */
    static int sigmoid(double[] x, int xOffset, double[] out, int outOffset, int n) {
        int bound = D.loopBound(n);
        for (int j = 0; j < bound; j += D.length()) {
            DoubleVector v = DoubleVector.fromArray(D, x, xOffset + j);
            logistic(v, expNarrow(v.abs().neg())).intoArray(out, outOffset + j);
            if (anyBeyond(v, D_NARROW)) {
                logistic(v, expClamped(atLeast(v.abs().neg(), D_EXP_MIN))).intoArray(out, outOffset + j);
            }
        }
        return bound;
    }

    /**
     * σ(x) given e = e^(−|x|): 1/(1 + e) for x ≥ 0, e/(1 + e) below, one division per element
     * (e/(1+e) is e times the reciprocal already computed).
     */
    private static DoubleVector logistic(DoubleVector x, DoubleVector e) {
        DoubleVector positive = D_ONE.div(e.add(D_ONE));
        return positive.blend(e.mul(positive), x.compare(VectorOperators.LT, D_ZERO));
    }

    /** As {@link #exp(double[], int, double[], int, int)} for the hyperbolic tangent. */
    static int tanh(double[] x, int xOffset, double[] out, int outOffset, int n) {
        int bound = D.loopBound(n);
        for (int j = 0; j < bound; j += D.length()) {
            DoubleVector v = DoubleVector.fromArray(D, x, xOffset + j);
            // As the float32 kernel: tanh|x| = −m/(2+m), m = e^(−2|x|) − 1 without cancellation.
            DoubleVector t = atLeast(v.abs().mul(D_MINUS_TWO), D_TANH_CLAMP);
            DoubleVector kb = t.fma(D_LOG2E, D_MAGIC);
            DoubleVector k = kb.sub(D_MAGIC);
            DoubleVector r = k.fma(D_MINUS_LN2_HI, t);
            r = k.fma(D_MINUS_LN2_LO, r);
            DoubleVector s = pow2(kb);
            DoubleVector negM = s.neg().fma(expm1Reduced(r), D_ONE.sub(s));
            DoubleVector magnitude = negM.div(D_TWO.sub(negM));
            LongVector sign = v.reinterpretAsLongs().and(L_SIGN);
            magnitude.reinterpretAsLongs().or(sign).reinterpretAsDoubles().intoArray(out, outOffset + j);
        }
        return bound;
    }
}
