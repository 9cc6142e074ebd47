package dev.gradus.processor.writing;

import dev.gradus.processor.model.TensorProgram;
import java.util.List;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;

/**
 * Everything the writer needs about one Tensor {@code @Expression} method.
 *
 * @param type the declaring class
 * @param method the annotated method
 * @param parameters the parameter names, in order
 * @param wrt the parameter indices differentiated with respect to, in output order
 * @param program the body as a program of Ops calls
 */
public record TensorMethod(TypeElement type, ExecutableElement method, List<String> parameters, List<Integer> wrt,
        TensorProgram program) {
    /** Returns the method's name. */
    public String name() {
        return method.getSimpleName().toString();
    }
}
