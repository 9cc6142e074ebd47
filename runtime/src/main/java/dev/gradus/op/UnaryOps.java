package dev.gradus.op;

/**
 * The table of elementwise unary ops: each definition holds the scalar form, on the next
 * line the same function as Java source (see {@link UnaryOp#javaSource}), and beside them
 * the derivative rule {@code g · f'(x)}, written against {@link Builder}.
 */
public final class UnaryOps {
    private UnaryOps() {
    }

    private static final double LN2 = Math.log(2.0);
    private static final double LN10 = Math.log(10.0);
    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
    private static final double INV_SQRT_PI = 1 / Math.sqrt(Math.PI);
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
    private static final double SQRT1_2 = Math.sqrt(0.5);

    private static final String PIECEWISE_CONSTANT = "piecewise constant: its derivative is 0 wherever it exists";

    /** |x|. d/dx = sign(x) (0 at 0, the subgradient JAX and PyTorch use). */
    public static final UnaryOp ABS = new UnaryOp("abs", Math::abs,
            "Math.abs(%s)") {
        @Override
        public <T> Partial<T> gradient(Builder<T> b, T x, T y, T g) {
            return Partial.of(b.mul(g, b.sign(x)));
        }

        @Override
        protected void mapFloat64(double[] x, int xOffset, double[] out, int outOffset, int n) {
            if (xOffset == outOffset) {
                // One index for both arrays: C2 vectorizes this loop (see Arithmetic).
                for (int k = outOffset, end = outOffset + n; k < end; k++) {
                    double v = x[k];
                    out[k] = Math.abs(v);
                }
                return;
            }
            for (int k = 0; k < n; k++) {
                double v = x[xOffset + k];
                out[outOffset + k] = Math.abs(v);
            }
        }

        @Override
        protected void mapFloat32(float[] x, int xOffset, float[] out, int outOffset, int n) {
            if (xOffset == outOffset) {
                // One index for both arrays: C2 vectorizes this loop (see Arithmetic).
                for (int k = outOffset, end = outOffset + n; k < end; k++) {
                    float v = x[k];
                    out[k] = Math.abs(v);
                }
                return;
            }
            for (int k = 0; k < n; k++) {
                float v = x[xOffset + k];
                out[outOffset + k] = Math.abs(v);
            }
        }
    };

    /** sign(x) ∈ {-1, 0, 1}; no gradient (piecewise constant). */
    public static final UnaryOp SIGN = new UnaryOp("sign", Math::signum,
            "Math.signum(%s)") {
        @Override
        public <T> Partial<T> gradient(Builder<T> b, T x, T y, T g) {
            return Partial.none(PIECEWISE_CONSTANT);
        }
    };

    /** ⌈x⌉; no gradient (piecewise constant). */
    public static final UnaryOp CEIL = new UnaryOp("ceil", Math::ceil,
            "Math.ceil(%s)") {
        @Override
        public <T> Partial<T> gradient(Builder<T> b, T x, T y, T g) {
            return Partial.none(PIECEWISE_CONSTANT);
        }
    };

    /** ⌊x⌋; no gradient (piecewise constant). */
    public static final UnaryOp FLOOR = new UnaryOp("floor", Math::floor,
            "Math.floor(%s)") {
        @Override
        public <T> Partial<T> gradient(Builder<T> b, T x, T y, T g) {
            return Partial.none(PIECEWISE_CONSTANT);
        }
    };

    /** Heaviside step: 1 where x &gt; 0, else 0 (NaN stays NaN). The mask in relu's rule; no gradient. */
    public static final UnaryOp STEP = new UnaryOp("step", x -> x > 0 ? 1.0 : (x == x ? 0.0 : x),
            "((%1$s) > 0 ? 1.0 : ((%1$s) == (%1$s) ? 0.0 : (%1$s)))") {
        @Override
        public <T> Partial<T> gradient(Builder<T> b, T x, T y, T g) {
            return Partial.none(PIECEWISE_CONSTANT);
        }
    };

    /** sin x. d/dx = cos x. */
    public static final UnaryOp SIN = new UnaryOp("sin", Math::sin,
            "Math.sin(%s)") {
        @Override
        public <T> Partial<T> gradient(Builder<T> b, T x, T y, T g) {
            return Partial.of(b.mul(g, b.cos(x)));
        }
    };

    /** cos x. d/dx = −sin x. */
    public static final UnaryOp COS = new UnaryOp("cos", Math::cos,
            "Math.cos(%s)") {
        @Override
        public <T> Partial<T> gradient(Builder<T> b, T x, T y, T g) {
            return Partial.of(b.neg(b.mul(g, b.sin(x))));
        }
    };

    /** tan x. d/dx = 1/cos² x = 1 + tan² x = 1 + y². */
    public static final UnaryOp TAN = new UnaryOp("tan", Math::tan,
            "Math.tan(%s)") {
        @Override
        public <T> Partial<T> gradient(Builder<T> b, T x, T y, T g) {
            return Partial.of(b.mul(g, b.add(b.constant(1, y), b.square(y))));
        }
    };

    /** arcsin x, defined on [−1, 1]. d/dx = 1/√(1 − x²). */
    public static final UnaryOp ASIN = new UnaryOp("asin", Math::asin,
            "Math.asin(%s)") {
        @Override
        public <T> Partial<T> gradient(Builder<T> b, T x, T y, T g) {
            return Partial.of(b.div(g, b.sqrt(b.sub(b.constant(1, x), b.square(x)))));
        }
    };

    /** arccos x, defined on [−1, 1]. d/dx = −1/√(1 − x²). */
    public static final UnaryOp ACOS = new UnaryOp("acos", Math::acos,
            "Math.acos(%s)") {
        @Override
        public <T> Partial<T> gradient(Builder<T> b, T x, T y, T g) {
            return Partial.of(b.neg(b.div(g, b.sqrt(b.sub(b.constant(1, x), b.square(x))))));
        }
    };

    /** arctan x. d/dx = 1/(1 + x²). */
    public static final UnaryOp ATAN = new UnaryOp("atan", Math::atan,
            "Math.atan(%s)") {
        @Override
        public <T> Partial<T> gradient(Builder<T> b, T x, T y, T g) {
            return Partial.of(b.div(g, b.add(b.constant(1, x), b.square(x))));
        }
    };

    /**
     * eˣ. d/dx = eˣ = y.
     *
     * <p>The array kernels use the Vector API where {@link Vectorized} enables it: within 4 ulps
     * of the scalar form for float64 (2 ulps of {@link Double#MIN_VALUE} for subnormal results),
     * within 2 ulps of the scalar form rounded for float32; ±∞, 0 and NaN as the scalar form.
     * Without it they call {@link Math#exp} and match the scalar form bit for bit.
     */
    public static final UnaryOp EXP = new UnaryOp("exp", Math::exp,
            "Math.exp(%s)") {
        @Override
        int grain() {
            return Elementwise.COSTLY_GRAIN;
        }

        @Override
        public <T> Partial<T> gradient(Builder<T> b, T x, T y, T g) {
            return Partial.of(b.mul(g, y));
        }

        @Override
        protected void mapFloat64(double[] x, int xOffset, double[] out, int outOffset, int n) {
            int done = Vectorized.use(n) ? VectorKernels.exp(x, xOffset, out, outOffset, n) : 0;
            expLoop(x, xOffset + done, out, outOffset + done, n - done);
        }

        @Override
        protected void mapFloat32(float[] x, int xOffset, float[] out, int outOffset, int n) {
            int done = Vectorized.use(n) ? VectorKernels.exp(x, xOffset, out, outOffset, n) : 0;
            expLoop(x, xOffset + done, out, outOffset + done, n - done);
        }
    };

    /** ln x. d/dx = 1/x. */
    public static final UnaryOp LOG = new UnaryOp("log", Math::log,
            "Math.log(%s)") {
        @Override
        public <T> Partial<T> gradient(Builder<T> b, T x, T y, T g) {
            return Partial.of(b.div(g, x));
        }

        @Override
        protected void mapFloat64(double[] x, int xOffset, double[] out, int outOffset, int n) {
            for (int k = 0; k < n; k++) {
                double v = x[xOffset + k];
                out[outOffset + k] = Math.log(v);
            }
        }

        @Override
        protected void mapFloat32(float[] x, int xOffset, float[] out, int outOffset, int n) {
            for (int k = 0; k < n; k++) {
                float v = x[xOffset + k];
                out[outOffset + k] = (float) Math.log(v);
            }
        }
    };

    /**
     * log₂ x. d/dx = 1/(x ln 2). The Java form writes ln 2 as the literal
     * {@link Double#toString} gives, which reads back as the same double.
     */
    public static final UnaryOp LOG2 = new UnaryOp("log2", x -> Math.log(x) / LN2,
            "(Math.log(%s) / " + LN2 + ")") {
        @Override
        public <T> Partial<T> gradient(Builder<T> b, T x, T y, T g) {
            return Partial.of(b.div(g, b.mul(x, b.constant(LN2, x))));
        }
    };

    /** log₁₀ x. d/dx = 1/(x ln 10). */
    public static final UnaryOp LOG10 = new UnaryOp("log10", Math::log10,
            "Math.log10(%s)") {
        @Override
        public <T> Partial<T> gradient(Builder<T> b, T x, T y, T g) {
            return Partial.of(b.div(g, b.mul(x, b.constant(LN10, x))));
        }
    };

    /** −x. d/dx = −1. */
    public static final UnaryOp NEG = new UnaryOp("neg", x -> -x,
            "(-(%s))") {
        @Override
        public <T> Partial<T> gradient(Builder<T> b, T x, T y, T g) {
            return Partial.of(b.neg(g));
        }

        @Override
        protected void mapFloat64(double[] x, int xOffset, double[] out, int outOffset, int n) {
            if (xOffset == outOffset) {
                // One index for both arrays: C2 vectorizes this loop (see Arithmetic).
                for (int k = outOffset, end = outOffset + n; k < end; k++) {
                    double v = x[k];
                    out[k] = -v;
                }
                return;
            }
            for (int k = 0; k < n; k++) {
                double v = x[xOffset + k];
                out[outOffset + k] = -v;
            }
        }

        @Override
        protected void mapFloat32(float[] x, int xOffset, float[] out, int outOffset, int n) {
            if (xOffset == outOffset) {
                // One index for both arrays: C2 vectorizes this loop (see Arithmetic).
                for (int k = outOffset, end = outOffset + n; k < end; k++) {
                    float v = x[k];
                    out[k] = -v;
                }
                return;
            }
            for (int k = 0; k < n; k++) {
                float v = x[xOffset + k];
                out[outOffset + k] = -v;
            }
        }

        @Override
        public String format(java.util.List<String> args) {
            return "-" + args.get(0);
        }
    };

    /** x². d/dx = 2x. */
    public static final UnaryOp SQUARE = new UnaryOp("square", x -> x * x,
            "((%1$s) * (%1$s))") {
        @Override
        public <T> Partial<T> gradient(Builder<T> b, T x, T y, T g) {
            return Partial.of(b.mul(g, b.mul(b.constant(2, x), x)));
        }

        @Override
        protected void mapFloat64(double[] x, int xOffset, double[] out, int outOffset, int n) {
            if (xOffset == outOffset) {
                // One index for both arrays: C2 vectorizes this loop (see Arithmetic).
                for (int k = outOffset, end = outOffset + n; k < end; k++) {
                    double v = x[k];
                    out[k] = v * v;
                }
                return;
            }
            for (int k = 0; k < n; k++) {
                double v = x[xOffset + k];
                out[outOffset + k] = v * v;
            }
        }

        @Override
        protected void mapFloat32(float[] x, int xOffset, float[] out, int outOffset, int n) {
            if (xOffset == outOffset) {
                // One index for both arrays: C2 vectorizes this loop (see Arithmetic).
                for (int k = outOffset, end = outOffset + n; k < end; k++) {
                    float v = x[k];
                    out[k] = v * v;
                }
                return;
            }
            for (int k = 0; k < n; k++) {
                float v = x[xOffset + k];
                out[outOffset + k] = v * v;
            }
        }
    };

    /** √x. d/dx = 1/(2√x) = 1/(2y). */
    public static final UnaryOp SQRT = new UnaryOp("sqrt", Math::sqrt,
            "Math.sqrt(%s)") {
        @Override
        public <T> Partial<T> gradient(Builder<T> b, T x, T y, T g) {
            return Partial.of(b.div(g, b.mul(b.constant(2, y), y)));
        }

        @Override
        protected void mapFloat64(double[] x, int xOffset, double[] out, int outOffset, int n) {
            if (xOffset == outOffset) {
                // One index for both arrays: C2 vectorizes this loop (see Arithmetic).
                for (int k = outOffset, end = outOffset + n; k < end; k++) {
                    double v = x[k];
                    out[k] = Math.sqrt(v);
                }
                return;
            }
            for (int k = 0; k < n; k++) {
                double v = x[xOffset + k];
                out[outOffset + k] = Math.sqrt(v);
            }
        }

        @Override
        protected void mapFloat32(float[] x, int xOffset, float[] out, int outOffset, int n) {
            if (xOffset == outOffset) {
                // One index for both arrays: C2 vectorizes this loop (see Arithmetic).
                for (int k = outOffset, end = outOffset + n; k < end; k++) {
                    float v = x[k];
                    out[k] = (float) Math.sqrt(v);
                }
                return;
            }
            for (int k = 0; k < n; k++) {
                float v = x[xOffset + k];
                out[outOffset + k] = (float) Math.sqrt(v);
            }
        }
    };

    /** 1/x. d/dx = −1/x² = −y². */
    public static final UnaryOp INVERSE = new UnaryOp("inverse", x -> 1.0 / x,
            "(1.0 / (%s))") {
        @Override
        public <T> Partial<T> gradient(Builder<T> b, T x, T y, T g) {
            return Partial.of(b.neg(b.mul(g, b.square(y))));
        }
    };

    /** 1/√x. d/dx = −½ x^(−3/2) = −½ y³. */
    public static final UnaryOp INVERSE_SQRT = new UnaryOp("inverseSqrt", x -> 1.0 / Math.sqrt(x),
            "(1.0 / Math.sqrt(%s))") {
        @Override
        public <T> Partial<T> gradient(Builder<T> b, T x, T y, T g) {
            return Partial.of(b.mul(g, b.mul(b.constant(-0.5, y), b.cube(y))));
        }
    };

    /** x³. d/dx = 3x². */
    public static final UnaryOp CUBE = new UnaryOp("cube", x -> x * x * x,
            "((%1$s) * (%1$s) * (%1$s))") {
        @Override
        public <T> Partial<T> gradient(Builder<T> b, T x, T y, T g) {
            return Partial.of(b.mul(g, b.mul(b.constant(3, x), b.square(x))));
        }
    };

    /**
     * ∛x, defined for negative x too (∛−x = −∛x). d/dx = ⅓ x^(−2/3) = 1/(3y²) (infinite
     * at 0).
     */
    public static final UnaryOp CBRT = new UnaryOp("cbrt", Math::cbrt,
            "Math.cbrt(%s)") {
        @Override
        public <T> Partial<T> gradient(Builder<T> b, T x, T y, T g) {
            return Partial.of(b.div(g, b.mul(b.constant(3, y), b.square(y))));
        }
    };

    /** sinh x. d/dx = cosh x. */
    public static final UnaryOp SINH = new UnaryOp("sinh", Math::sinh,
            "Math.sinh(%s)") {
        @Override
        public <T> Partial<T> gradient(Builder<T> b, T x, T y, T g) {
            return Partial.of(b.mul(g, b.cosh(x)));
        }
    };

    /** cosh x. d/dx = sinh x. */
    public static final UnaryOp COSH = new UnaryOp("cosh", Math::cosh,
            "Math.cosh(%s)") {
        @Override
        public <T> Partial<T> gradient(Builder<T> b, T x, T y, T g) {
            return Partial.of(b.mul(g, b.sinh(x)));
        }
    };

    /**
     * tanh x. d/dx = 1 − tanh² x = 1 − y².
     *
     * <p>As {@link #EXP}: with the Vector API the array kernels are within 4 ulps (float64) and
     * 2 ulps of the rounded scalar form (float32), with tanh(±0) = ±0, ±1 at ±∞ and NaN as the
     * scalar form; without it they call {@link Math#tanh} and match bit for bit.
     */
    public static final UnaryOp TANH = new UnaryOp("tanh", Math::tanh,
            "Math.tanh(%s)") {
        @Override
        int grain() {
            return Elementwise.COSTLY_GRAIN;
        }

        @Override
        public <T> Partial<T> gradient(Builder<T> b, T x, T y, T g) {
            return Partial.of(b.mul(g, b.sub(b.constant(1, y), b.square(y))));
        }

        @Override
        protected void mapFloat64(double[] x, int xOffset, double[] out, int outOffset, int n) {
            int done = Vectorized.use(n) ? VectorKernels.tanh(x, xOffset, out, outOffset, n) : 0;
            tanhLoop(x, xOffset + done, out, outOffset + done, n - done);
        }

        @Override
        protected void mapFloat32(float[] x, int xOffset, float[] out, int outOffset, int n) {
            int done = Vectorized.use(n) ? VectorKernels.tanh(x, xOffset, out, outOffset, n) : 0;
            tanhLoop(x, xOffset + done, out, outOffset + done, n - done);
        }
    };

    /**
     * σ(x) = 1/(1+e⁻ˣ), evaluated without overflow on either side. d/dx = y(1 − y).
     *
     * <p>The array kernels compute 1/(1+e⁻ˣ) for every x, without the scalar form's branch on
     * the sign: on typical inputs that branch is mispredicted half the time, which costs more
     * than the exponential. For x &lt; 0 this differs from the scalar form's eˣ/(1+eˣ) by at most
     * 4 ulps (3 seen over the test's sweep; each form is within about 2 ulps of σ) where the
     * result is a normal double; below x ≈ −708, where the result is
     * subnormal or 0, the kernel gives 0 (an absolute error under 2⁻¹⁰²²). The float32 kernel
     * rounds that double once, within 1 ulp of the scalar form rounded. Where {@link Vectorized}
     * enables the Vector API kernels, they compute in the array's precision: float64 as 1/(1+e)
     * and e·(1/(1+e)) with e = e^(−|x|), float32 as 1/(1+e^(−x)), or eˣ itself below x = −80:
     * float64 within 4 ulps (subnormal results within 2 ulps of
     * {@link Double#MIN_VALUE}), float32 within 2 ulps of the scalar form rounded. All bounds are
     * tested.
     */
    public static final UnaryOp SIGMOID = new UnaryOp("sigmoid", UnaryOps::sigmoid,
            "dev.gradus.op.UnaryOps.sigmoid(%s)") {
        @Override
        int grain() {
            return Elementwise.COSTLY_GRAIN;
        }

        @Override
        public <T> Partial<T> gradient(Builder<T> b, T x, T y, T g) {
            return Partial.of(b.mul(g, b.mul(y, b.sub(b.constant(1, y), y))));
        }

        @Override
        protected void mapFloat64(double[] x, int xOffset, double[] out, int outOffset, int n) {
            int done = Vectorized.use(n) ? VectorKernels.sigmoid(x, xOffset, out, outOffset, n) : 0;
            sigmoidLoop(x, xOffset + done, out, outOffset + done, n - done);
        }

        @Override
        protected void mapFloat32(float[] x, int xOffset, float[] out, int outOffset, int n) {
            int done = Vectorized.use(n) ? VectorKernels.sigmoid(x, xOffset, out, outOffset, n) : 0;
            sigmoidLoop(x, xOffset + done, out, outOffset + done, n - done);
        }
    };

    /** ln(1+x), accurate near 0. d/dx = 1/(1+x). */
    public static final UnaryOp LOG1P = new UnaryOp("log1p", Math::log1p,
            "Math.log1p(%s)") {
        @Override
        public <T> Partial<T> gradient(Builder<T> b, T x, T y, T g) {
            return Partial.of(b.div(g, b.add(b.constant(1, x), x)));
        }
    };

    /** eˣ−1, accurate near 0. d/dx = eˣ = y + 1. */
    public static final UnaryOp EXPM1 = new UnaryOp("expm1", Math::expm1,
            "Math.expm1(%s)") {
        @Override
        public <T> Partial<T> gradient(Builder<T> b, T x, T y, T g) {
            return Partial.of(b.mul(g, b.add(y, b.constant(1, y))));
        }
    };

    /** softplus(x) = ln(1+eˣ), without overflow. d/dx = σ(x). */
    public static final UnaryOp SOFTPLUS = new UnaryOp("softplus", UnaryOps::softplus,
            "dev.gradus.op.UnaryOps.softplus(%s)") {
        @Override
        public <T> Partial<T> gradient(Builder<T> b, T x, T y, T g) {
            return Partial.of(b.mul(g, b.sigmoid(x)));
        }
    };

    /**
     * max(x, 0) (NaN stays NaN). d/dx = step(x) (0 at 0). The array kernels use
     * {@code Math.max(x, 0)}, equal bit for bit (−0 gives +0, NaN stays NaN) and free of the
     * branch, so the JIT vectorizes it.
     */
    public static final UnaryOp RELU = new UnaryOp("relu", x -> x <= 0 ? 0.0 : x,
            "((%1$s) <= 0 ? 0.0 : (%1$s))") {
        @Override
        public <T> Partial<T> gradient(Builder<T> b, T x, T y, T g) {
            return Partial.of(b.mul(g, b.step(x)));
        }

        @Override
        protected void mapFloat64(double[] x, int xOffset, double[] out, int outOffset, int n) {
            if (xOffset == outOffset) {
                // One index for both arrays: C2 vectorizes this loop (see Arithmetic).
                for (int k = outOffset, end = outOffset + n; k < end; k++) {
                    double v = x[k];
                    out[k] = Math.max(v, 0.0);
                }
                return;
            }
            for (int k = 0; k < n; k++) {
                double v = x[xOffset + k];
                out[outOffset + k] = Math.max(v, 0.0);
            }
        }

        @Override
        protected void mapFloat32(float[] x, int xOffset, float[] out, int outOffset, int n) {
            if (xOffset == outOffset) {
                // One index for both arrays: C2 vectorizes this loop (see Arithmetic).
                for (int k = outOffset, end = outOffset + n; k < end; k++) {
                    float v = x[k];
                    out[k] = Math.max(v, 0f);
                }
                return;
            }
            for (int k = 0; k < n; k++) {
                float v = x[xOffset + k];
                out[outOffset + k] = Math.max(v, 0f);
            }
        }
    };

    /** The error function erf x = (2/√π) ∫₀ˣ e^(−t²) dt. d/dx = (2/√π) e^(−x²). */
    public static final UnaryOp ERF = new UnaryOp("erf", UnaryOps::erf,
            "dev.gradus.op.UnaryOps.erf(%s)") {
        @Override
        public <T> Partial<T> gradient(Builder<T> b, T x, T y, T g) {
            return Partial.of(b.mul(g, b.mul(b.constant(TWO_OVER_SQRT_PI, x), b.exp(b.neg(b.square(x))))));
        }
    };

    /**
     * GELU in its exact form, x·Φ(x) with Φ the standard normal distribution function (not
     * the tanh approximation), computed as ½x·erfc(−x/√2) so that the negative tail keeps its
     * relative accuracy. d/dx = Φ(x) + x·φ(x), with Φ(x) = ½(1 + erf(x/√2)) and
     * φ(x) = e^(−x²/2)/√(2π).
     */
    public static final UnaryOp GELU = new UnaryOp("gelu", UnaryOps::gelu,
            "dev.gradus.op.UnaryOps.gelu(%s)") {
        @Override
        public <T> Partial<T> gradient(Builder<T> b, T x, T y, T g) {
            T cdf = b.mul(b.constant(0.5, x), b.add(b.constant(1, x), b.erf(b.mul(x, b.constant(SQRT1_2, x)))));
            T pdf = b.mul(b.constant(INV_SQRT_2PI, x), b.exp(b.mul(b.constant(-0.5, x), b.square(x))));
            return Partial.of(b.mul(g, b.add(cdf, b.mul(x, pdf))));
        }
    };

    /**
     * Mish, x·tanh(softplus(x)). With t = tanh(softplus(x)) and softplus' = σ:
     * d/dx = t + x·(1 − t²)·σ(x).
     */
    public static final UnaryOp MISH = new UnaryOp("mish", UnaryOps::mish,
            "dev.gradus.op.UnaryOps.mish(%s)") {
        @Override
        public <T> Partial<T> gradient(Builder<T> b, T x, T y, T g) {
            T t = b.tanh(b.softplus(x));
            T slope = b.add(t, b.mul(b.mul(x, b.sub(b.constant(1, t), b.square(t))), b.sigmoid(x)));
            return Partial.of(b.mul(g, slope));
        }
    };

    /** ELU with the usual α = 1: x where x &gt; 0, else eˣ − 1; see {@link Elu}. */
    public static final UnaryOp ELU = new Elu(1.0);

    // The scalar loops of exp, tanh and sigmoid: the whole kernel without the Vector API (see
    // Vectorized), the tail after VectorKernels with it. Package-private so that tests run them
    // whichever path the JVM chose.

    /** {@code out[outOffset + k] = Math.exp(x[xOffset + k])} for {@code 0 <= k < n}. */
    static void expLoop(double[] x, int xOffset, double[] out, int outOffset, int n) {
        for (int k = 0; k < n; k++) {
            double v = x[xOffset + k];
            out[outOffset + k] = Math.exp(v);
        }
    }

    /** {@code out[outOffset + k] = (float) Math.exp(x[xOffset + k])} for {@code 0 <= k < n}. */
    static void expLoop(float[] x, int xOffset, float[] out, int outOffset, int n) {
        for (int k = 0; k < n; k++) {
            float v = x[xOffset + k];
            out[outOffset + k] = (float) Math.exp(v);
        }
    }

    /** {@code out[outOffset + k] = Math.tanh(x[xOffset + k])} for {@code 0 <= k < n}. */
    static void tanhLoop(double[] x, int xOffset, double[] out, int outOffset, int n) {
        for (int k = 0; k < n; k++) {
            double v = x[xOffset + k];
            out[outOffset + k] = Math.tanh(v);
        }
    }

    /** {@code out[outOffset + k] = (float) Math.tanh(x[xOffset + k])} for {@code 0 <= k < n}. */
    static void tanhLoop(float[] x, int xOffset, float[] out, int outOffset, int n) {
        for (int k = 0; k < n; k++) {
            float v = x[xOffset + k];
            out[outOffset + k] = (float) Math.tanh(v);
        }
    }

    /** {@code out[outOffset + k] = 1 / (1 + e^(−x[xOffset + k]))} for {@code 0 <= k < n}, branch-free (see {@link #SIGMOID}). */
    static void sigmoidLoop(double[] x, int xOffset, double[] out, int outOffset, int n) {
        for (int k = 0; k < n; k++) {
            double v = x[xOffset + k];
            out[outOffset + k] = 1.0 / (1.0 + Math.exp(-v));
        }
    }

    /** The float32 form of {@link #sigmoidLoop(double[], int, double[], int, int)}, rounded once. */
    static void sigmoidLoop(float[] x, int xOffset, float[] out, int outOffset, int n) {
        for (int k = 0; k < n; k++) {
            float v = x[xOffset + k];
            out[outOffset + k] = (float) (1.0 / (1.0 + Math.exp(-v)));
        }
    }

    /** The numerically stable logistic function used by {@link #SIGMOID}. */
    public static double sigmoid(double x) {
        if (x >= 0) {
            return 1.0 / (1.0 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1.0 + e);
    }

    /** The overflow-free softplus used by {@link #SOFTPLUS}. */
    public static double softplus(double x) {
        return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    }

    /**
     * The error function, to within a few ulps in double precision; odd, erf(±∞) = ±1, NaN
     * stays NaN. Below |x| = 1.5 it sums the series
     * erf x = (2/√π) e^(−x²) Σₙ 2ⁿ x^(2n+1) / (1·3···(2n+1)), whose terms are all positive (no
     * cancellation); above, it is 1 − erfc |x| with erfc from its continued fraction.
     * Allocation-free.
     */
    public static double erf(double x) {
        if (x != x) {
            return x;
        }
        double a = Math.abs(x);
        double r = a < 1.5 ? erfSeries(a) : a >= 6 ? 1.0 : 1.0 - erfcFraction(a);
        return Math.copySign(r, x);
    }

    /**
     * The complementary error function erfc x = 1 − erf x, accurate in relative terms for
     * large positive x, where 1 − erf x would cancel: from x = 1.5 it evaluates the continued
     * fraction erfc x = (e^(−x²)/√π) / (x + ½/(x + 1/(x + (3/2)/(x + …)))) backwards from a
     * fixed depth; below, 1 − erf x; and erfc(−x) = 2 − erfc x. Allocation-free.
     */
    public static double erfc(double x) {
        if (x != x) {
            return x;
        }
        if (x >= 1.5) {
            return erfcFraction(x);
        }
        if (x > -1.5) {
            return 1.0 - Math.copySign(erfSeries(Math.abs(x)), x);
        }
        return x <= -6 ? 2.0 : 2.0 - erfcFraction(-x);
    }

    /** erf a for 0 ≤ a &lt; 1.5, by the all-positive series. */
    private static double erfSeries(double a) {
        double term = a;
        double sum = a;
        double twoSquare = 2 * a * a;
        for (int n = 1; n < 100 && term > sum * 1e-17; n++) {
            term *= twoSquare / (2 * n + 1);
            sum += term;
        }
        return TWO_OVER_SQRT_PI * expMinusSquare(a) * sum;
    }

    /**
     * erfc a for a ≥ 1.5, by the continued fraction evaluated from depth n down (backwards
     * evaluation is stable); the depths were chosen so the result is within 2 ulps of a
     * high-precision reference on each range.
     */
    private static double erfcFraction(double a) {
        int depth = a < 2 ? 100 : a < 3 ? 60 : 30;
        double t = a;
        for (int n = depth; n >= 1; n--) {
            t = a + (n * 0.5) / t;
        }
        return INV_SQRT_PI * expMinusSquare(a) / t;
    }

    /**
     * e^(−a²) without the rounding error of a² (which e^ would amplify by a²): with hi = a
     * rounded to float, hi² is exact and a² = hi² + (a − hi)(a + hi).
     */
    private static double expMinusSquare(double a) {
        double hi = (float) a;
        double lo = a - hi;
        return Math.exp(-hi * hi) * Math.exp(-lo * (a + hi));
    }

    /** GELU, ½x·erfc(−x/√2) = x·Φ(x), used by {@link #GELU}. */
    public static double gelu(double x) {
        return 0.5 * x * erfc(-x * SQRT1_2);
    }

    /** Mish, x·tanh(softplus(x)), used by {@link #MISH}. */
    public static double mish(double x) {
        return x * Math.tanh(softplus(x));
    }

    /** Returns every parameterless unary op of the table, in declaration order. */
    public static java.util.List<UnaryOp> all() {
        return java.util.List.of(ABS, SIGN, CEIL, FLOOR, STEP, SIN, COS, TAN, ASIN, ACOS, ATAN, EXP, LOG, LOG2, LOG10,
                NEG, SQUARE, SQRT, INVERSE, INVERSE_SQRT, CUBE, CBRT, SINH, COSH, TANH, SIGMOID, LOG1P, EXPM1, SOFTPLUS,
                RELU, ERF, GELU, MISH, ELU);
    }
}
