package dev.gradus.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.graph.Graph;
import dev.gradus.graph.Graphviz;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The graph-rendering sample: the MLP's DOT with its gradient edges, and SVG where Graphviz is installed. */
class GraphRenderingTest {
    @Test
    void writesTheMlpAsDotWithItsGradients(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        GraphRendering.Rendering r = GraphRendering.render(dir, new PrintStream(log, true, StandardCharsets.UTF_8));
        assertEquals(dir.resolve("mlp.dot"), r.dot());
        String dot = Files.readString(r.dot(), StandardCharsets.UTF_8);
        assertTrue(dot.startsWith("digraph"), dot);
        for (String cluster : List.of("cluster_inputs", "cluster_constants", "cluster_gradients")) {
            assertTrue(dot.contains("subgraph " + cluster + " {"), cluster + " missing:\n" + dot);
        }

        // One dashed ∂ edge from each parameter's gradient node to the parameter (node ids are deterministic).
        Graph g = GraphRendering.mlpWithGradients();
        List<String> parameters = g.gradients().stream().map(b -> b.wrt().name()).toList();
        assertEquals(List.of("w1", "b1", "w2", "b2"), parameters);
        for (Graph.GradientBinding b : g.gradients()) {
            String edge = "n" + b.gradient().id() + " -> n" + b.wrt().id() + " [style=dashed";
            assertTrue(dot.contains(edge), "no gradient edge " + edge + " for " + b.wrt().name() + ":\n" + dot);
        }
        assertEquals(4, dot.split("label=\"∂\"", -1).length - 1, "one ∂ edge per parameter");

        assertTrue(r.listing().contains("bind gradient") && r.listing().contains("-> w1"), r.listing());
    }

    @Test
    void writesAnSvgWhenGraphvizIsInstalled(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Graphviz.isAvailable(), "Graphviz 'dot' is not on the PATH");
        GraphRendering.Rendering r = GraphRendering.render(dir, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8));
        assertEquals(dir.resolve("mlp.svg"), r.svg());
        String svg = Files.readString(r.svg(), StandardCharsets.UTF_8);
        assertTrue(svg.contains("<svg") && svg.contains("cluster_gradients"), "an SVG with the gradients cluster");
    }

    @Test
    void withoutGraphvizOnlyTheDotIsWritten(@TempDir Path dir) throws Exception {
        Assumptions.assumeFalse(Graphviz.isAvailable(), "Graphviz 'dot' is on the PATH");
        GraphRendering.Rendering r = GraphRendering.render(dir, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8));
        assertNull(r.svg());
        assertTrue(Files.exists(r.dot()));
    }

    @Test
    void takesOnlyOutputAndHelp() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GraphRendering.main(new String[] {"--epochs", "3"}));
        assertTrue(e.getMessage().contains("--epochs") && e.getMessage().contains("--output"), e.getMessage());
        assertTrue(GraphRendering.usage().contains("--output") && !GraphRendering.usage().contains("--epochs"));
    }
}
