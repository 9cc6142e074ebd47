package dev.gradus.cuda;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * The constants of trigonometric argument reduction, computed once from π by Machin's
 * formula π = 16·atan(1/5) − 4·atan(1/239) in exact integer arithmetic, rather than typed
 * in, so that no digit can be mistyped (the tests compare the first words with the
 * published ones).
 */
final class TwoOverPi {
    private TwoOverPi() {
    }

    /** Fraction bits of π kept; far more than the 1216 bits of 2/π the table needs. */
    private static final int PI_BITS = 1400;

    /**
     * 2/π as 64-bit words: WORDS[0] = 0 is the integer part and WORDS[i] holds fraction bits
     * 64(i−1)+1 .. 64i, so 2/π = Σ WORDS[i]·2^(−64i). 19 fraction words cover the largest
     * double exponent with 128 accurate bits to spare.
     */
    static final long[] WORDS = new long[20];

    /** π/2 as a sum of three doubles, each the rounding of what the previous ones miss. */
    static final double PIO2_1;
    static final double PIO2_2;
    static final double PIO2_3;

    static {
        BigInteger pi = pi(PI_BITS);
        int fractionBits = 64 * (WORDS.length - 1);
        // floor(2^fractionBits · 2/π) = 2^(fractionBits + 1 + PI_BITS) / floor(π·2^PI_BITS);
        // the error of the truncated π only reaches bits far below the last word.
        BigInteger twoOverPi = BigInteger.ONE.shiftLeft(fractionBits + 1 + PI_BITS).divide(pi);
        BigInteger mask = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
        for (int i = WORDS.length - 1; i >= 1; i--) {
            WORDS[i] = twoOverPi.and(mask).longValue();
            twoOverPi = twoOverPi.shiftRight(64);
        }
        BigDecimal halfPi = new BigDecimal(pi.multiply(BigInteger.valueOf(5).pow(PI_BITS + 1)), PI_BITS + 1);
        PIO2_1 = halfPi.doubleValue();
        BigDecimal rest = halfPi.subtract(new BigDecimal(PIO2_1));
        PIO2_2 = rest.doubleValue();
        PIO2_3 = rest.subtract(new BigDecimal(PIO2_2)).doubleValue();
    }

    /** floor(π·2^bits), with a few guard bits computed and dropped. */
    private static BigInteger pi(int bits) {
        int guarded = bits + 16;
        BigInteger sum = atanOfInverse(5, guarded).shiftLeft(4).subtract(atanOfInverse(239, guarded).shiftLeft(2));
        return sum.shiftRight(16);
    }

    /** atan(1/k)·2^bits by its alternating series, each term truncated (error below 2^−bits per term). */
    private static BigInteger atanOfInverse(int k, int bits) {
        BigInteger one = BigInteger.ONE.shiftLeft(bits);
        BigInteger kk = BigInteger.valueOf((long) k * k);
        BigInteger power = one.divide(BigInteger.valueOf(k));
        BigInteger sum = BigInteger.ZERO;
        for (int n = 0; power.signum() != 0; n++) {
            BigInteger term = power.divide(BigInteger.valueOf(2L * n + 1));
            sum = (n % 2 == 0) ? sum.add(term) : sum.subtract(term);
            power = power.divide(kk);
        }
        return sum;
    }
}
