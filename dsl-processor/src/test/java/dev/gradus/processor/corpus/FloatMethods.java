package dev.gradus.processor.corpus;

import dev.gradus.annotations.Expression;

/** Test corpus: float methods (the generated code computes in double and rounds once). */
public final class FloatMethods {
    private FloatMethods() {
    }

    @Expression
    public static float fpoly(float x, float y) {
        return x * x * y + 2f * y - x / 4;
    }

    @Expression
    public static float ftrig(float x) {
        return (float) Math.sin(x) * x + (float) Math.exp(0.5f * x);
    }

    @Expression
    public static float fcaller(float x) {
        return fpoly(x, x * 2) + ftrig(x);
    }

    @Expression(hessian = true)
    public static float fhessian(float x, float y) {
        return x * x * y + (float) Math.log(y);
    }
}
