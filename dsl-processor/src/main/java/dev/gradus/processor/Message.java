package dev.gradus.processor;

import java.util.Locale;

/**
 * Every diagnostic the processor reports, each with its tag and a fix. One place, so the
 * wording stays consistent and each message has a test.
 */
public enum Message {
    /** The annotated method is not static. */
    NOT_STATIC("ExpressionNotStatic", "@Expression method '%s' must be static; make it static "
            + "(an instance method's fields cannot be differentiated)"),
    /** The signature is neither all double, all float, nor all Tensor. */
    SIGNATURE("ExpressionSignature", "@Expression method '%s' must take and return double (or float, or Tensor) "
            + "values of one type; found %s. Change the types, or move this method out of the DSL"),
    /** No parameters. */
    NO_PARAMETERS("ExpressionSignature", "@Expression method '%s' has no parameters, so it has nothing to "
            + "differentiate; add parameters or remove @Expression"),
    /** wrt names an unknown parameter. */
    UNKNOWN_WRT("UnknownWrt", "wrt names '%s', which is not a parameter of '%s'; its parameters are %s"),
    /** wrt names a parameter twice. */
    DUPLICATE_WRT("UnknownWrt", "wrt names '%s' twice; list each parameter once"),
    /** Hessians of tensor methods. */
    TENSOR_HESSIAN("ExpressionSignature", "hessian = true is supported for double and float methods only; "
            + "remove it from '%s'"),
    /** Two annotated methods share a name. */
    OVERLOADED("ExpressionOverloaded", "two @Expression methods in %s are named '%s'; rename one "
            + "(the generated record and methods are named after the method)"),
    /** Generated names collide. */
    NAME_CLASH("NameClash", "the generated accessor '%s' would stand for two derivatives of '%s'; rename a "
            + "parameter so that 'd' + name (and 'd' + a + 'd' + b) are distinct"),
    /** A statement kind the DSL does not support. */
    UNSUPPORTED_STATEMENT("ExpressionUnsupported", "%s is not supported in an @Expression method; use local "
            + "variables, assignments, if/else, for loops with constant bounds and return"),
    /** An expression kind the DSL does not support. */
    UNSUPPORTED_EXPRESSION("ExpressionUnsupported", "'%s' is not supported in an @Expression method; use "
            + "+ - * /, Math functions, constants, ternaries and calls to other @Expression methods"),
    /** A function with no derivative. */
    NO_DERIVATIVE("NoDerivative", "'%s' has no derivative; compute it outside the @Expression method and "
            + "pass the result in as a parameter, or use a differentiable form"),
    /** A call to something that is neither Math nor an @Expression method. */
    UNKNOWN_METHOD("UnknownMethod", "'%s' is neither a supported Math function nor a static @Expression "
            + "method; annotate it with @Expression, or compute it outside and pass the result in"),
    /** A call to an instance method. */
    INSTANCE_METHOD("InstanceMethod", "'%s' is an instance method; @Expression bodies may call only Math "
            + "functions and static @Expression methods"),
    /** A cast to an integer type. */
    INTEGER_CAST("IntegerCast", "the cast to %s truncates and has no derivative; keep the value in double, or "
            + "compute it outside the @Expression method and pass it in"),
    /** An assignment to a field. */
    FIELD_WRITE("FieldWrite", "@Expression methods may not write fields ('%s'); use a local variable"),
    /** Arrays. */
    ARRAY("ArrayUnsupported", "arrays are not supported in @Expression methods ('%s'); pass the elements as "
            + "separate parameters"),
    /** A field that is not a compile-time constant. */
    NON_CONSTANT_FIELD("NonConstantField", "'%s' is not a compile-time constant; make it a static final "
            + "primitive with a constant initializer, or pass it in as a parameter"),
    /** A while, do or for-each loop. */
    LOOP("LoopUnsupported", "%s loops are not supported in @Expression methods; write a for loop with constant "
            + "bounds, e.g. for (int i = 0; i < 10; i++)"),
    /** A for loop whose bounds are not constant. */
    LOOP_BOUNDS("LoopBounds", "this for loop cannot be unrolled at compile time: %s; use a form like "
            + "for (int i = A; i < B; i++) with constant A and B"),
    /** An integer expression that is not a compile-time constant. */
    INTEGER_EXPRESSION("IntegerExpression", "the int expression '%s' is not a compile-time constant; int values "
            + "may only be constants and for-loop counters, so declare it double"),
    /** An unsupported condition. */
    CONDITION("ConditionUnsupported", "'%s' is not a supported condition; compare numbers with < <= > >= == != "
            + "and combine comparisons with && || !"),
    /** Too many paths through early returns. */
    TOO_MANY_BRANCHES("TooManyBranches", "the body has more than %d paths through its early returns; "
            + "assign to a variable and return once at the end"),
    /** A called method lacks a derivative the chain rule needs. */
    CALLEE_DERIVATIVE("CalleeDerivative", "the chain rule through '%s' needs a derivative its generated code "
            + "does not provide: %s"),
    /** @Expression methods that call each other in a cycle. */
    RECURSION("ExpressionRecursive", "'%s' calls itself through other @Expression methods (%s); the generated "
            + "code would call itself without end, so break the cycle"),
    /** A tensor method whose body is not a single supported expression. */
    TENSOR_BODY("TensorExpressionUnsupported", "%s; a Tensor @Expression method may declare local Tensor "
            + "variables, unroll counted for loops, branch on compile-time conditions and return an expression built "
            + "from its parameters with dev.gradus.Ops calls and other Tensor @Expression methods"),
    /** Anything unexpected. */
    INTERNAL("InternalError", "Gradus could not process '%s': %s. This is a bug in Gradus; please report it");

    private final String tag;
    private final String template;

    Message(String tag, String template) {
        this.tag = tag;
        this.template = template;
    }

    /** Returns the tag shown in brackets, e.g. {@code ExpressionUnsupported}. */
    public String tag() {
        return tag;
    }

    /** Returns the message with its tag, the arguments filled in. */
    public String format(Object... args) {
        return "[" + tag + "] " + String.format(Locale.ROOT, template, args);
    }
}
