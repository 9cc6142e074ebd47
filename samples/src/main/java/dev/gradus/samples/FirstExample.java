package dev.gradus.samples;

import static dev.gradus.Ops.add;
import static dev.gradus.Ops.mean;
import static dev.gradus.Ops.mul;
import static dev.gradus.Ops.square;
import static dev.gradus.Ops.sub;

import dev.gradus.graph.Grad;
import dev.gradus.graph.Graph;
import dev.gradus.graph.Node;
import dev.gradus.tensor.DType;
import dev.gradus.tensor.Tensor;
import dev.gradus.vm.LispMachine;
import dev.gradus.vm.TapeMachine;
import java.util.List;
import java.util.Random;

/**
 * A first tour of Gradus: Gorgonia's {@code z = x + y}, symbolic differentiation of
 * {@code f = (x + y)·z}, and a linear regression fitted by gradient descent on a compiled
 * TapeMachine. Run it with the README's run command.
 */
public final class FirstExample {
    private FirstExample() {
    }

    /**
     * Runs the tour and prints what it computed.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        addition();
        differentiation();
        linearRegression();
    }

    private static void addition() {
        Graph g = new Graph();
        Node x = g.scalar(DType.FLOAT64, "x");
        Node y = g.scalar(DType.FLOAT64, "y");
        Node z = add(x, y);
        try (TapeMachine m = TapeMachine.of(g)) {
            x.let(2.0);
            y.let(2.5);
            m.runAll();
            System.out.println("z = x + y with x = 2, y = 2.5:  z = " + z.value());
        }
    }

    private static void differentiation() {
        Graph g = new Graph();
        Node x = g.scalar(DType.FLOAT64, "x", -2);
        Node y = g.scalar(DType.FLOAT64, "y", 5);
        Node z = g.scalar(DType.FLOAT64, "z", -4);
        Node f = mul(add(x, y), z);
        List<Node> grads = Grad.of(f, x, y, z);
        try (TapeMachine m = TapeMachine.of(g)) {
            m.runAll();
            System.out.printf("f = (x + y)·z at (-2, 5, -4):  f = %s, df/dx = %s, df/dy = %s, df/dz = %s%n",
                    f.value(), grads.get(0).value(), grads.get(1).value(), grads.get(2).value());
            System.out.println("\nThe TapeMachine's program:\n" + m.listing());
        }
        try (LispMachine lisp = LispMachine.of(g)) {
            lisp.runAll();
            System.out.printf("The LispMachine (autodiff) agrees: df/dx = %s, df/dy = %s, df/dz = %s%n%n",
                    x.gradient(), y.gradient(), z.gradient());
        }
    }

    private static void linearRegression() {
        int n = 100;
        Random rnd = new Random(1337);
        double[] xs = new double[n];
        double[] ys = new double[n];
        for (int i = 0; i < n; i++) {
            xs[i] = i / (double) n;
            ys[i] = 2 * xs[i] + 2 + 0.05 * rnd.nextGaussian();
        }
        Graph g = new Graph();
        Node x = g.input("x", Tensor.of(xs, n));
        Node y = g.input("y", Tensor.of(ys, n));
        Node m = g.scalar(DType.FLOAT64, "m", rnd.nextDouble());
        Node c = g.scalar(DType.FLOAT64, "c", rnd.nextDouble());
        Node cost = mean(square(sub(add(mul(x, m), c), y)));
        Grad.of(cost, m, c);
        double learnRate = 0.5;
        try (TapeMachine machine = TapeMachine.builder(g).bindGradients().build()) {
            for (int step = 0; step < 2000; step++) {
                machine.runAll();
                m.let(m.scalarValue() - learnRate * m.gradient().item());
                c.let(c.scalarValue() - learnRate * c.gradient().item());
            }
            machine.runAll();
            System.out.printf("Linear regression on y = 2x + 2 + noise (%d points, 2000 steps of gradient descent):%n"
                    + "  fitted y = %.3fx + %.3f, mean squared error %.5f%n", n, m.scalarValue(), c.scalarValue(),
                    cost.scalarValue());
        }
    }
}
