package dev.gradus.cuda;

import dev.gradus.cuda.Ir.Val;

/**
 * Double-precision math functions written once in {@link Ir}, for kernels: PTX has no
 * float64 transcendental instructions. Every function takes and returns F64 registers and
 * follows Java's {@link Math} on special values (NaN, ±∞, ±0, subnormals).
 *
 * <p>Accuracy, measured by the tests through {@link IrInterpreter} against {@link Math}:
 * within 1e-14 relative of Java's result for finite results (about 1–4 ulp in practice;
 * subnormal results within 2 ulp, where relative error has no meaning), including sin and
 * cos of huge arguments and near their zeros (the reduction keeps about 120 bits).
 */
final class DeviceMath {
    private DeviceMath() {
    }

    private static final double LOG2_E = 1.4426950408889634;
    /** fdlibm's split of ln 2: the high part has 32 significant bits, so k·LN2_HI is exact. */
    private static final double LN2_HI = 6.93147180369123816490e-01;
    private static final double LN2_LO = 1.90821492927058770002e-10;
    /** ln 2 as a double-double. */
    private static final double LN2 = 0.6931471805599453;
    private static final double LN2_TAIL = 2.3190468138462996e-17;
    private static final double TWO_OVER_PI = 0.6366197723675814;
    /** 2/3 as a double-double. */
    private static final double TWO_THIRDS = 2.0 / 3;
    private static final double TWO_THIRDS_TAIL = new java.math.BigDecimal(2).divide(new java.math.BigDecimal(3),
            java.math.MathContext.DECIMAL128).subtract(new java.math.BigDecimal(TWO_THIRDS)).doubleValue();
    /** Below this |x| (q under 2^29) sin and cos reduce by Cody–Waite; above, by Payne–Hanek. */
    private static final double CODY_WAITE_LIMIT = 0x1p30;

    /** 1/n! for n = 0..20. */
    private static final double[] INVERSE_FACTORIAL = new double[21];

    static {
        java.math.BigDecimal f = java.math.BigDecimal.ONE;
        for (int n = 0; n < INVERSE_FACTORIAL.length; n++) {
            if (n > 0) {
                f = f.multiply(java.math.BigDecimal.valueOf(n));
            }
            INVERSE_FACTORIAL[n] = java.math.BigDecimal.ONE.divide(f, java.math.MathContext.DECIMAL128).doubleValue();
        }
    }

    // ---- exp family

    /** e^x. */
    static Val exp(Ir b, Val x) {
        return expOfSum(b, x, b.f(0));
    }

    /**
     * e^(hi+lo), where lo is a correction far below hi (|lo| ≤ ulp(hi)); lo is ignored where
     * |hi| ≥ 760, beyond which the result is 0 or ∞ anyway. pow uses the correction to carry y·log x beyond double precision.
     */
    static Val expOfSum(Ir b, Val hi, Val lo) {
        // Clamping keeps k within ±1100 (so both scale factors below are normal) and lets
        // overflow and underflow happen in the final multiply; NaN is restored at the end.
        Val xc = b.min(b.max(hi, b.f(-760)), b.f(760));
        Val k = b.rint(b.mul(xc, b.f(LOG2_E)));
        Val negK = b.neg(k);
        // x − k·ln2 with |result| ≤ 0.35: the first step is exact (k·LN2_HI has ≤ 43 bits).
        Val r = b.fma(negK, b.f(LN2_HI), xc);
        // Where hi was clamped (or is not finite) the correction is meaningless and may be huge.
        Val loUsed = b.select(b.lt(b.abs(hi), b.f(760)), lo, b.f(0));
        r = b.fma(negK, b.f(LN2_LO), b.add(r, loUsed));
        Val er = b.add(b.f(1), expm1Polynomial(b, r));
        // 2^k as 2^k1 · 2^k2: the first product is exact, the second rounds once, also
        // into the subnormal range.
        Val ki = b.toLong(k);
        Val k1 = b.sar(ki, 1);
        Val k2 = b.isub(ki, k1);
        Val y = b.mul(b.mul(er, powerOfTwo(b, k1)), powerOfTwo(b, k2));
        return b.select(b.isNaN(hi), hi, y);
    }

    /** 2^k for −1022 ≤ k ≤ 1023, built from its exponent bits. */
    private static Val powerOfTwo(Ir b, Val k) {
        return b.fromBits(b.shl(b.iadd(k, b.i(1023)), 52));
    }

    /** e^r − 1 for |r| ≤ ln2/2 by its Taylor series to r^14 (truncation below 2^−56 relative). */
    private static Val expm1Polynomial(Ir b, Val r) {
        Val q = b.f(INVERSE_FACTORIAL[14]);
        for (int n = 13; n >= 2; n--) {
            q = b.fma(q, r, b.f(INVERSE_FACTORIAL[n]));
        }
        return b.fma(b.mul(r, r), q, r);
    }

    /** e^x − 1, accurate near 0. */
    static Val expm1(Ir b, Val x) {
        Val small = b.lt(b.abs(x), b.f(0.34657359027997264));
        Val viaExp = b.sub(exp(b, x), b.f(1));
        Val y = b.select(small, expm1Polynomial(b, x), viaExp);
        // Keeps the sign of zero, as Java does.
        return b.select(b.eq(x, b.f(0)), x, y);
    }

    /** tanh x, by fdlibm's regimes (an expm1 of ∓2|x|), ±1 from |x| = 22. */
    static Val tanh(Ir b, Val x) {
        Val a = b.abs(x);
        Val small = b.lt(a, b.f(1));
        Val twoA = b.add(a, a);
        Val t = expm1(b, b.select(small, b.neg(twoA), twoA));
        Val two = b.f(2);
        Val viaSmall = b.div(b.neg(t), b.add(t, two));
        Val viaLarge = b.sub(b.f(1), b.div(two, b.add(t, two)));
        Val r = b.select(small, viaSmall, viaLarge);
        r = b.select(b.ge(a, b.f(22)), b.f(1), r);
        return b.copySign(r, x);
    }

    /** The CPU's sigmoid: 1/(1 + e^−x) for x ≥ 0, else e^x/(1 + e^x). */
    static Val sigmoid(Ir b, Val x) {
        Val nonNegative = b.ge(x, b.f(0));
        Val e = exp(b, b.select(nonNegative, b.neg(x), x));
        Val one = b.f(1);
        Val denominator = b.add(one, e);
        return b.div(b.select(nonNegative, one, e), denominator);
    }

    /** The CPU's softplus: x + log1p(e^−x) for x &gt; 0, else log1p(e^x). */
    static Val softplus(Ir b, Val x) {
        Val positive = b.gt(x, b.f(0));
        Val l = log1p(b, exp(b, b.select(positive, b.neg(x), x)));
        return b.select(positive, b.add(x, l), l);
    }

    /** sinh x = ½(t + t/(t+1)) with t = expm1|x| (no cancellation); ½e^(|x|/2)·e^(|x|/2) for large |x|. */
    static Val sinh(Ir b, Val x) {
        Val a = b.abs(x);
        Val t = expm1(b, a);
        Val half = b.f(0.5);
        Val moderate = b.mul(half, b.add(t, b.div(t, b.add(t, b.f(1)))));
        Val r = b.select(b.lt(a, b.f(22)), moderate, large(b, a));
        return b.copySign(r, x);
    }

    /** cosh x = ½(e^|x| + e^−|x|); ½e^(|x|/2)·e^(|x|/2) for large |x|. */
    static Val cosh(Ir b, Val x) {
        Val a = b.abs(x);
        Val e = exp(b, a);
        Val half = b.f(0.5);
        Val moderate = b.add(b.mul(half, e), b.div(half, e));
        return b.select(b.lt(a, b.f(22)), moderate, large(b, a));
    }

    /** ½e^a for a ≥ 22, without overflowing before the result does. */
    private static Val large(Ir b, Val a) {
        Val h = exp(b, b.mul(b.f(0.5), a));
        return b.mul(b.mul(b.f(0.5), h), h);
    }

    // ---- log family

    /**
     * ln x as a double-double {hi, lo} (about 2^−66 relative) for positive finite x,
     * subnormals included; other inputs give values to be replaced by the caller.
     */
    static Val[] logParts(Ir b, Val x) {
        Val subnormal = b.lt(x, b.f(Double.MIN_NORMAL));
        Val xs = b.select(subnormal, b.mul(x, b.f(0x1p54)), x);
        Val bits = b.bits(xs);
        Val e = b.isub(b.and(b.shr(bits, 52), b.i(0x7FF)), b.i(1023));
        e = b.select(subnormal, b.isub(e, b.i(54)), e);
        Val m = b.fromBits(b.or(b.and(bits, b.i(0x000F_FFFF_FFFF_FFFFL)), b.i(0x3FF0_0000_0000_0000L)));
        // m in [√2/2, √2) keeps |ln m| ≤ 0.35 and avoids cancellation against e·ln2.
        Val big = b.gt(m, b.f(1.4142135623730951));
        m = b.select(big, b.mul(m, b.f(0.5)), m);
        e = b.select(big, b.iadd(e, b.i(1)), e);
        Val f = b.sub(m, b.f(1)); // exact (Sterbenz)
        // s = f/(2+f) to double-double; ln m = 2·atanh s = 2s + 2s³/3 + 2s⁵/5 + …
        Val two = b.f(2);
        Val u = b.add(two, f);
        Val uLo = b.add(b.sub(two, u), f);
        Val sHi = b.div(f, u);
        Val remainder = b.fma(b.neg(sHi), u, f);
        remainder = b.fma(b.neg(sHi), uLo, remainder);
        Val sLo = b.div(remainder, u);
        // Split ln m = 2s + (2/3)s³ + s⁵·Q(s²): the s³ term is about 1% of the whole, so it
        // is carried in double-double too; the rest is below 10^−4 of the whole.
        Val z = b.mul(sHi, sHi);
        Val zErr = b.fma(sHi, sHi, b.neg(z));
        Val s3 = b.mul(sHi, z);
        Val s3Err = b.fma(sHi, zErr, b.fma(sHi, z, b.neg(s3)));
        // |s| ≤ 0.1716, z ≤ 0.0295: Q = 2/5 + 2z/7 + … to 2z¹¹/27 leaves under 2^−70.
        Val q = b.f(2.0 / 27);
        for (int n = 25; n >= 5; n -= 2) {
            q = b.fma(q, z, b.f(2.0 / n));
        }
        Val twoThirds = b.f(TWO_THIRDS);
        Val cubic = b.mul(s3, twoThirds);
        Val cubicErr = b.fma(s3, twoThirds, b.neg(cubic));
        // 2·sLo·(1 + z): the low part of s enters 2s and, through its derivative 2s², 2s³/3.
        Val twoSLo = b.add(sLo, sLo);
        Val small = b.fma(s3Err, twoThirds, b.fma(s3, b.f(TWO_THIRDS_TAIL), b.fma(twoSLo, z, twoSLo)));
        small = b.add(b.fma(b.mul(s3, z), q, cubicErr), small);
        Val[] head = twoSum(b, b.add(sHi, sHi), cubic);
        Val[] lnM = fastTwoSum(b, head[0], b.add(head[1], small));
        // e·ln2 as a double-double: the product's error is exact by fma.
        Val ef = b.longToDouble(e);
        Val ph = b.mul(ef, b.f(LN2));
        Val pl = b.fma(ef, b.f(LN2_TAIL), b.fma(ef, b.f(LN2), b.neg(ph)));
        Val[] s = twoSum(b, ph, lnM[0]);
        Val lo = b.add(b.add(pl, lnM[1]), s[1]);
        return fastTwoSum(b, s[0], lo);
    }

    /** ln x. */
    static Val log(Ir b, Val x) {
        Val y = logParts(b, x)[0];
        return logSpecials(b, x, y);
    }

    /** Java's log results at 0, +∞, negatives and NaN; {@code y} elsewhere. */
    private static Val logSpecials(Ir b, Val x, Val y) {
        Val zero = b.f(0);
        y = b.select(b.pnot(b.ge(x, zero)), b.f(Double.NaN), y);
        y = b.select(b.eq(x, zero), b.f(Double.NEGATIVE_INFINITY), y);
        return b.select(b.eq(x, b.f(Double.POSITIVE_INFINITY)), x, y);
    }

    /** log₂ x as the CPU computes it: ln x / ln 2. */
    static Val log2(Ir b, Val x) {
        return b.div(log(b, x), b.f(Math.log(2.0)));
    }

    /** log₁₀ x: the double-double ln x divided by ln 10. */
    static Val log10(Ir b, Val x) {
        Val[] l = logParts(b, x);
        Val ln10 = b.f(Math.log(10.0));
        Val q = b.div(l[0], ln10);
        // One Newton correction with the low part: q + (hi − q·ln10 + lo)/ln10.
        Val residual = b.add(b.fma(b.neg(q), ln10, l[0]), l[1]);
        Val y = b.fma(residual, b.f(1 / Math.log(10.0)), q);
        return logSpecials(b, x, y);
    }

    /** ln(1+x), accurate near 0: ln(u)·x/(u−1) with u = 1+x rounded (Goldberg's formula). */
    static Val log1p(Ir b, Val x) {
        Val one = b.f(1);
        Val u = b.add(one, x);
        Val r = b.mul(log(b, u), b.div(x, b.sub(u, one)));
        r = b.select(b.eq(u, one), x, r);
        return b.select(b.eq(x, b.f(Double.POSITIVE_INFINITY)), x, r);
    }

    // ---- pow

    /** Math.pow, through e^(y·ln|x|) carried in double-double, with all of Java's special cases. */
    static Val pow(Ir b, Val x, Val y) {
        Val ax = b.abs(x);
        Val[] l = logParts(b, ax);
        Val lh = logSpecials(b, ax, l[0]);
        Val ll = b.select(b.isFinite(lh), l[1], b.f(0));
        Val th = b.mul(y, lh);
        Val tl = b.fma(y, ll, b.fma(y, lh, b.neg(th)));
        // Here 1^±∞ is ∞·0 = NaN, as Java has it, and 0^y, ∞^y, x^±∞ fall out of the infinities.
        Val r = expOfSum(b, th, tl);
        Val yInteger = isInteger(b, y);
        Val yOdd = b.pand(yInteger, b.pnot(isInteger(b, b.mul(y, b.f(0.5)))));
        Val xNegative = b.itest(Ir.IntTest.LT, b.bits(x), b.i(0));
        r = b.select(b.pand(xNegative, yOdd), b.neg(r), r);
        Val negativeFiniteBase = b.pand(b.lt(x, b.f(0)), b.isFinite(x));
        Val noRealResult = b.pand(negativeFiniteBase, b.pand(b.isFinite(y), b.pnot(yInteger)));
        r = b.select(noRealResult, b.f(Double.NaN), r);
        return b.select(b.eq(y, b.f(0)), b.f(1), r);
    }

    private static Val isInteger(Ir b, Val v) {
        return b.pand(b.isFinite(v), b.eq(b.trunc(v), v));
    }

    // ---- sin, cos, tan

    /** sin x; NaN for ±∞ and NaN. */
    static Val sin(Ir b, Val x) {
        Reduced r = reduce(b, x);
        Val s = sinKernel(b, r.hi, r.lo);
        Val c = cosKernel(b, r.hi, r.lo);
        Val y = quadrant(b, r.quadrant, s, c, b.neg(s), b.neg(c));
        y = b.select(b.eq(x, b.f(0)), x, y);
        return b.select(b.isFinite(x), y, b.f(Double.NaN));
    }

    /** cos x; NaN for ±∞ and NaN. */
    static Val cos(Ir b, Val x) {
        Reduced r = reduce(b, x);
        Val s = sinKernel(b, r.hi, r.lo);
        Val c = cosKernel(b, r.hi, r.lo);
        Val y = quadrant(b, r.quadrant, c, b.neg(s), b.neg(c), s);
        return b.select(b.isFinite(x), y, b.f(Double.NaN));
    }

    /** tan x = sin/cos of the reduced argument (−cos/sin in odd quadrants). */
    static Val tan(Ir b, Val x) {
        Reduced r = reduce(b, x);
        Val s = sinKernel(b, r.hi, r.lo);
        Val c = cosKernel(b, r.hi, r.lo);
        Val odd = b.itest(Ir.IntTest.EQ, b.and(r.quadrant, b.i(1)), b.i(1));
        Val y = b.select(odd, b.neg(b.div(c, s)), b.div(s, c));
        y = b.select(b.eq(x, b.f(0)), x, y);
        return b.select(b.isFinite(x), y, b.f(Double.NaN));
    }

    /** Picks by quadrant & 3. */
    private static Val quadrant(Ir b, Val q, Val v0, Val v1, Val v2, Val v3) {
        Val n = b.and(q, b.i(3));
        Val y = b.select(b.itest(Ir.IntTest.EQ, n, b.i(1)), v1, v0);
        y = b.select(b.itest(Ir.IntTest.EQ, n, b.i(2)), v2, y);
        return b.select(b.itest(Ir.IntTest.EQ, n, b.i(3)), v3, y);
    }

    /** x = quadrant·π/2 + (hi + lo), |hi + lo| ≤ π/4 (slightly more from rounding). */
    private record Reduced(Val quadrant, Val hi, Val lo) {
    }

    private static Reduced reduce(Ir b, Val x) {
        Val huge = b.pnot(b.lt(b.abs(x), b.f(CODY_WAITE_LIMIT)));
        Reduced small = codyWaite(b, x);
        // Non-finite and small arguments go through Payne–Hanek as a harmless stand-in
        // (their table indices must stay in range); the caller replaces their results.
        Val xLarge = b.select(b.pand(huge, b.isFinite(x)), x, b.f(CODY_WAITE_LIMIT));
        Reduced large = payneHanek(b, xLarge);
        return new Reduced(b.select(huge, large.quadrant, small.quadrant), b.select(huge, large.hi, small.hi),
                b.select(huge, large.lo, small.lo));
    }

    /** Cody–Waite reduction by π/2 in three parts, with the subtraction kept in double-double. */
    private static Reduced codyWaite(Ir b, Val x) {
        Val q = b.rint(b.mul(x, b.f(TWO_OVER_PI)));
        Val negQ = b.neg(q);
        Val r1 = b.fma(negQ, b.f(TwoOverPi.PIO2_1), x); // exact: |r1| < 1 on a grid of 2^−53
        Val t = b.mul(q, b.f(TwoOverPi.PIO2_2));
        Val tErr = b.fma(q, b.f(TwoOverPi.PIO2_2), b.neg(t));
        Val[] s = twoSum(b, r1, b.neg(t));
        Val lo = b.sub(b.sub(s[1], tErr), b.mul(q, b.f(TwoOverPi.PIO2_3)));
        Val[] r = fastTwoSum(b, s[0], lo);
        return new Reduced(b.toLong(q), r[0], r[1]);
    }

    /**
     * Payne–Hanek reduction for 2^30 ≤ |x| &lt; ∞: with |x| = A·2^(E−63) (A the 64-bit
     * mantissa), x·2/π mod 4 is A times four words of 2/π starting at word j = ⌊(E−1)/64⌋;
     * earlier words only add multiples of 4, later ones less than 2^−126.
     */
    private static Reduced payneHanek(Ir b, Val x) {
        Val bits = b.bits(x);
        Val e = b.isub(b.and(b.shr(bits, 52), b.i(0x7FF)), b.i(1023));
        Val a = b.or(b.shl(bits, 11), b.i(Long.MIN_VALUE));
        Val j = b.shr(b.isub(e, b.i(1)), 6);
        Val w0 = b.tableWord(j);
        Val w1 = b.tableWord(b.iadd(j, b.i(1)));
        Val w2 = b.tableWord(b.iadd(j, b.i(2)));
        Val w3 = b.tableWord(b.iadd(j, b.i(3)));
        // P = A·(w0:w1:w2:w3), as words p4:p3:p2:p1:p0 (p4 only adds multiples of 4).
        Val p0 = b.mulLo(a, w3);
        Val h3 = b.mulHiUnsigned(a, w3);
        Val[] c1 = addWithCarry(b, h3, b.mulLo(a, w2), b.i(0));
        Val[] c2 = addWithCarry(b, b.mulHiUnsigned(a, w2), b.mulLo(a, w1), c1[1]);
        Val[] c3 = addWithCarry(b, b.mulHiUnsigned(a, w1), b.mulLo(a, w0), c2[1]);
        Val p1 = c1[0];
        Val p2 = c2[0];
        Val p3 = c3[0];
        // Bring the units bit of x·2/π to bit 62 of p3: shift left by E − 1 − 64j in [0, 63].
        Val sh = b.toI32(b.isub(b.isub(e, b.i(1)), b.shl(j, 6)));
        Val back = b.isub32(b.i32(64), sh);
        Val q3 = b.or(b.shl(p3, sh), b.shr(p2, back));
        Val q2 = b.or(b.shl(p2, sh), b.shr(p1, back));
        Val q1 = b.or(b.shl(p1, sh), b.shr(p0, back));
        Val quadrant = b.shr(q3, 62);
        Val hi = b.or(b.shl(q3, 2), b.shr(q2, 62));
        Val lo = b.or(b.shl(q2, 2), b.shr(q1, 62));
        // A fraction of ½ or more rounds the quadrant up and leaves the negative 1 − f.
        Val roundUp = b.itest(Ir.IntTest.LT, hi, b.i(0));
        quadrant = b.select(roundUp, b.iadd(quadrant, b.i(1)), quadrant);
        Val loNeg = b.ineg(lo);
        Val hiNeg = b.iadd(b.not(hi), b.select(b.itest(Ir.IntTest.EQ, lo, b.i(0)), b.i(1), b.i(0)));
        hi = b.select(roundUp, hiNeg, hi);
        lo = b.select(roundUp, loNeg, lo);
        // Normalize the 128-bit fraction (its top word is nonzero: no double lies within
        // 2^−62 of a multiple of π/2) and convert: f = hi·2^(−64−z) + lo·2^(−128−z).
        Val z = b.clz(hi);
        Val zBack = b.isub32(b.i32(64), z);
        Val nh = b.or(b.shl(hi, z), b.shr(lo, zBack));
        Val nl = b.shl(lo, z);
        Val scale = b.fromBits(b.shl(b.isub(b.i(1023 - 64), b.toI64(z)), 52));
        Val fh = b.mul(b.unsignedToDouble(b.and(nh, b.i(~0x7FFL))), scale);
        Val fm = b.unsignedToDouble(b.and(nh, b.i(0x7FFL)));
        Val fl = b.mul(b.fma(b.unsignedToDouble(nl), b.f(0x1p-64), fm), scale);
        // r = f·π/2 in double-double.
        Val pio2 = b.f(TwoOverPi.PIO2_1);
        Val rh = b.mul(fh, pio2);
        Val rl = b.fma(fh, pio2, b.neg(rh));
        rl = b.add(rl, b.fma(fh, b.f(TwoOverPi.PIO2_2), b.mul(fl, pio2)));
        Val[] r = fastTwoSum(b, rh, rl);
        Val rHi = b.select(roundUp, b.neg(r[0]), r[0]);
        Val rLo = b.select(roundUp, b.neg(r[1]), r[1]);
        Val negative = b.lt(x, b.f(0));
        return new Reduced(b.select(negative, b.ineg(quadrant), quadrant), b.select(negative, b.neg(rHi), rHi),
                b.select(negative, b.neg(rLo), rLo));
    }

    /** {sum, carry} of a + b + carryIn (carryIn 0 or 1), as 64-bit unsigned words. */
    private static Val[] addWithCarry(Ir b, Val x, Val y, Val carryIn) {
        Val s1 = b.iadd(x, y);
        Val c1 = b.select(b.itest(Ir.IntTest.LTU, s1, x), b.i(1), b.i(0));
        Val s = b.iadd(s1, carryIn);
        Val c2 = b.select(b.itest(Ir.IntTest.LTU, s, s1), b.i(1), b.i(0));
        return new Val[] {s, b.iadd(c1, c2)};
    }

    /** sin(hi+lo) for |hi| ≤ π/4: Taylor to r^19, plus lo·cos hi to first order. */
    private static Val sinKernel(Ir b, Val hi, Val lo) {
        Val z = b.mul(hi, hi);
        // sin r = r + r·z·S(z), S = −1/3! + z/5! − … − z⁸/19!
        Val p = b.f(-INVERSE_FACTORIAL[19]);
        for (int n = 17; n >= 3; n -= 2) {
            p = b.fma(p, z, b.f((((n - 1) / 2) % 2 == 0 ? 1 : -1) * INVERSE_FACTORIAL[n]));
        }
        Val correction = b.mul(lo, b.fma(b.f(-0.5), z, b.f(1)));
        return b.add(hi, b.fma(b.mul(hi, z), p, correction));
    }

    /** cos(hi+lo) for |hi| ≤ π/4: Taylor to r^20, minus lo·sin hi to first order. */
    private static Val cosKernel(Ir b, Val hi, Val lo) {
        Val z = b.mul(hi, hi);
        // cos r = 1 − z/2 + z²·C(z), C = 1/4! − z/6! + … + z⁸/20!
        Val p = b.f(INVERSE_FACTORIAL[20]);
        for (int n = 18; n >= 4; n -= 2) {
            p = b.fma(p, z, b.f(((n / 2) % 2 == 0 ? 1 : -1) * INVERSE_FACTORIAL[n]));
        }
        Val hz = b.mul(b.f(0.5), z);
        Val one = b.f(1);
        Val w = b.sub(one, hz);
        // (1 − w) − hz recovers the rounding error of w (fdlibm's __kernel_cos).
        Val tail = b.fma(b.mul(z, z), p, b.neg(b.mul(hi, lo)));
        return b.add(w, b.add(b.sub(b.sub(one, w), hz), tail));
    }

    // ---- double-double helpers

    /** Knuth's two-sum: {s, e} with s + e = a + b exactly. */
    static Val[] twoSum(Ir b, Val x, Val y) {
        Val s = b.add(x, y);
        Val bb = b.sub(s, x);
        Val e = b.add(b.sub(x, b.sub(s, bb)), b.sub(y, bb));
        return new Val[] {s, e};
    }

    /** Dekker's fast two-sum, for |x| ≥ |y|. */
    static Val[] fastTwoSum(Ir b, Val x, Val y) {
        Val s = b.add(x, y);
        Val e = b.sub(y, b.sub(s, x));
        return new Val[] {s, e};
    }
}
