package dev.gradus.processor.model;

import com.palantir.javapoet.ClassName;
import java.util.List;

/**
 * Another {@code @Expression} method called from a body: where its generated code lives and
 * which derivatives that code provides, so that the chain rule can call it instead of
 * copying its body.
 *
 * @param owner the class that declares the method
 * @param gradients the generated class holding its derivative code
 * @param record the generated record type of value and partials
 * @param methodName the method's name
 * @param parameters the parameter names, in order
 * @param wrt the parameter indices the generated code differentiates with respect to
 * @param hessian whether second derivatives are generated
 * @param isFloat whether the method works in float
 */
public record Callee(ClassName owner, ClassName gradients, ClassName record, String methodName, List<String> parameters,
        List<Integer> wrt, boolean hessian, boolean isFloat) {
}
