package dev.gradus.graph;

import static dev.gradus.Ops.add;
import static dev.gradus.Ops.matMul;
import static dev.gradus.Ops.mul;
import static dev.gradus.Ops.sin;
import static dev.gradus.Ops.sum;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.tensor.DType;
import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class GraphTest {
    @Test
    void structurallyEqualNodesAreShared() {
        Graph g = new Graph();
        Node x = g.vector(DType.FLOAT64, 3, "x");
        Node y = g.vector(DType.FLOAT64, 3, "y");
        Node a = mul(sin(x), y);
        Node b = mul(sin(x), y);
        assertSame(a, b);
        assertNotSame(mul(y, sin(x)), a, "operand order matters");
        assertSame(g.constant(2.0, DType.FLOAT64), g.constant(2.0, DType.FLOAT64));
        assertNotSame(g.constant(2.0, DType.FLOAT64), g.constant(2.0, DType.FLOAT32));
        assertSame(g.constant(Tensor.vector(1, 2)), g.constant(Tensor.vector(1, 2)));
        int before = g.nodes().size();
        add(mul(sin(x), y), x);
        assertEquals(before + 1, g.nodes().size(), "only the new add node is created");
    }

    @Test
    void nodesAreInTopologicalOrder() {
        Graph g = new Graph();
        Node x = g.scalar(DType.FLOAT64, "x");
        Node z = add(sin(x), mul(x, x));
        for (Node n : g.nodes()) {
            for (Node in : n.inputs()) {
                assertTrue(in.id() < n.id());
            }
        }
        assertEquals(List.of(z), g.roots());
        assertSame(x, g.input("x"));
    }

    @Test
    void shapeMismatchInAddNamesTheNodesAndShapes() {
        Graph g = new Graph();
        Node a = g.matrix(DType.FLOAT64, 2, 3, "a");
        Node b = g.vector(DType.FLOAT64, 4, "b");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> add(a, b));
        String m = e.getMessage();
        assertTrue(m.startsWith("add("), m);
        assertTrue(m.contains("a float64(2, 3)") && m.contains("b float64(4,)"), m);
        assertTrue(m.contains("do not broadcast"), m);
    }

    @Test
    void shapeMismatchInMatMulNamesTheNodesAndShapes() {
        Graph g = new Graph();
        Node w = g.matrix(DType.FLOAT64, 2, 3, "w");
        Node x = g.matrix(DType.FLOAT64, 4, 5, "x");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> matMul(w, x));
        String m = e.getMessage();
        assertTrue(m.startsWith("matMul("), m);
        assertTrue(m.contains("w float64(2, 3)") && m.contains("x float64(4, 5)"), m);
    }

    @Test
    void dtypeMismatchIsRefusedAtBuildTime() {
        Graph g = new Graph();
        Node a = g.scalar(DType.FLOAT64, "a");
        Node b = g.scalar(DType.FLOAT32, "b");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> add(a, b));
        assertTrue(e.getMessage().contains("float64") && e.getMessage().contains("float32"), e.getMessage());
    }

    @Test
    void nodesOfDifferentGraphsDoNotMix() {
        Node a = new Graph().scalar(DType.FLOAT64, "a");
        Node b = new Graph().scalar(DType.FLOAT64, "b");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> add(a, b));
        assertTrue(e.getMessage().contains("'b' belongs to another graph"), e.getMessage());
    }

    @Test
    void letOfWrongShapeOrDtypeKeepsTheOldValue() {
        Graph g = new Graph();
        Node x = g.matrix(DType.FLOAT64, 2, 2, "x");
        Tensor good = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2);
        x.let(good);
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> x.let(Tensor.of(new double[] {1, 2, 3}, 3)));
        assertTrue(shape.getMessage().contains("'x'") && shape.getMessage().contains("(3,)"), shape.getMessage());
        assertSame(good, x.value());
        IllegalArgumentException dtype = assertThrows(IllegalArgumentException.class,
                () -> x.let(Tensor.of(new float[] {1, 2, 3, 4}, 2, 2)));
        assertTrue(dtype.getMessage().contains("float32"), dtype.getMessage());
        assertSame(good, x.value());
        assertThrows(IllegalArgumentException.class, () -> x.let(1.0));
        assertThrows(IllegalArgumentException.class, () -> x.let(new double[] {1, 2}));
        assertSame(good, x.value());
        assertArrayEquals(new double[] {1, 2, 3, 4}, x.value().toDoubleArray());
    }

    @Test
    void letOnANonInputIsRefused() {
        Graph g = new Graph();
        Node x = g.scalar(DType.FLOAT64, "x", 1);
        Node y = sin(x);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.let(2.0));
        assertTrue(e.getMessage().contains("sin"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> g.constant(1, DType.FLOAT64).let(2.0));
    }

    @Test
    void scalarLetReusesTheNodesOwnTensor() {
        Graph g = new Graph();
        Node x = g.scalar(DType.FLOAT32, "x", 1);
        Tensor first = x.value();
        x.let(2.5);
        assertSame(first, x.value());
        assertEquals(2.5, x.scalarValue());
        assertEquals(DType.FLOAT32, x.value().dtype());
    }

    @Test
    void inputNamesAreUnique() {
        Graph g = new Graph();
        g.scalar(DType.FLOAT64, "x");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> g.scalar(DType.FLOAT64, "x"));
        assertTrue(e.getMessage().contains("'x'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> g.input("nope"));
    }

    @Test
    void valuesAreUnavailableUntilComputed() {
        Graph g = new Graph();
        Node x = g.scalar(DType.FLOAT64, "x");
        IllegalStateException e = assertThrows(IllegalStateException.class, x::value);
        assertTrue(e.getMessage().contains("let"), e.getMessage());
        Node y = sin(x);
        IllegalStateException e2 = assertThrows(IllegalStateException.class, y::value);
        assertTrue(e2.getMessage().contains("run"), e2.getMessage());
    }

    @Test
    void gradOfANonScalarCostIsAnError() {
        Graph g = new Graph();
        Node x = g.vector(DType.FLOAT64, 3, "x");
        Node y = sin(x);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Grad.of(y, x));
        assertTrue(e.getMessage().contains("(3,)") && e.getMessage().contains("scalar"), e.getMessage());
    }

    @Test
    void gradWithRespectToAnUnrelatedNodeIsAZeroConstant() {
        Graph g = new Graph();
        Node x = g.vector(DType.FLOAT64, 3, "x");
        Node unrelated = g.matrix(DType.FLOAT64, 2, 2, "u");
        Node cost = sum(sin(x));
        Node d = Grad.of(cost, unrelated).get(0);
        assertTrue(d.isConstant());
        assertEquals(Shape.of(2, 2), d.shape());
        assertArrayEquals(new double[4], d.value().toDoubleArray());
    }

    @Test
    void gradSumsContributionsOfSeveralPaths() {
        Graph g = new Graph();
        Node x = g.scalar(DType.FLOAT64, "x", 3);
        // f = x·x + sin(x): two paths through mul and one through sin.
        Node f = add(mul(x, x), sin(x));
        Node d = Grad.of(f, x).get(0);
        try (var m = dev.gradus.vm.TapeMachine.of(g)) {
            m.runAll();
        }
        assertEquals(2 * 3 + Math.cos(3), d.scalarValue(), 1e-15);
        assertEquals(1, g.gradients().size());
        assertSame(x, g.gradients().get(0).wrt());
        assertSame(f, g.gradients().get(0).cost());
    }

    @Test
    void gradOfAnIntegerNodeIsRefused() {
        Graph g = new Graph();
        Node x = g.vector(DType.FLOAT64, 3, "x");
        Node i = g.vector(DType.INT32, 3, "i");
        Node cost = sum(sin(x));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Grad.of(cost, i));
        assertTrue(e.getMessage().contains("'i'") && e.getMessage().contains("int32"), e.getMessage());
    }
}
