package dev.gradus.op;

import dev.gradus.tensor.DType;
import dev.gradus.tensor.Shape;

/**
 * The static type of a value in the graph: dtype and shape. Op type rules map input types
 * to the output type.
 *
 * @param dtype element type
 * @param shape shape
 */
public record TensorType(DType dtype, Shape shape) {
    /** Returns the type with the same shape and another dtype. */
    public TensorType withDType(DType d) {
        return new TensorType(d, shape);
    }

    /** Returns the type with the same dtype and another shape. */
    public TensorType withShape(Shape s) {
        return new TensorType(dtype, s);
    }

    @Override
    public String toString() {
        return dtype + shape.toString();
    }
}
