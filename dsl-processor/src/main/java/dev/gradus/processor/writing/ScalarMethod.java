package dev.gradus.processor.writing;

import dev.gradus.processor.model.Expr;
import java.util.List;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;

/**
 * Everything the writer needs about one scalar {@code @Expression} method: its value and
 * derivatives as model nodes.
 *
 * @param type the declaring class
 * @param method the annotated method
 * @param parameters the parameter names, in order
 * @param isFloat whether the method works in float (results are rounded once, at the end)
 * @param wrt the parameter indices differentiated with respect to, in output order
 * @param value the method's value
 * @param gradient ∂value/∂wrt[i], in wrt order
 * @param hessian ∂²value/∂wrt[i]∂wrt[j] (row-major, n×n), or null without second derivatives
 */
public record ScalarMethod(TypeElement type, ExecutableElement method, List<String> parameters, boolean isFloat,
        List<Integer> wrt, Expr value, List<Expr> gradient, List<List<Expr>> hessian) {
    /** Returns the method's name. */
    public String name() {
        return method.getSimpleName().toString();
    }
}
