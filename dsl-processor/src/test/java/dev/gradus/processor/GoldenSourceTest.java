package dev.gradus.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Golden-source tests: the generated text of small classes, compared exactly with the files
 * under {@code src/test/resources/golden/}, to catch code that is correct but reads badly.
 * When the output changes on purpose, the new text is written next to the build
 * ({@code target/golden-actual/}) to review and copy over.
 */
class GoldenSourceTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");

    private static JavaFileObject input(String name) {
        try {
            return JavaFileObjects.forSourceString("golden." + name, Files.readString(GOLDEN.resolve(name + ".java")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Compilation compile(JavaFileObject... sources) {
        return Compiler.javac().withProcessors(new GradusProcessor()).compile(sources);
    }

    private static String generated(Compilation c, String qualifiedName) {
        try {
            return c.generatedSourceFile(qualifiedName).orElseThrow().getCharContent(false).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertGolden(String name) throws IOException {
        Compilation c = compile(input(name));
        assertThat(c).succeededWithoutWarnings();
        String actual = generated(c, "golden." + name + "Gradients");
        Path expected = GOLDEN.resolve(name + "Gradients.java.txt");
        if (!Files.exists(expected) || !Files.readString(expected).equals(actual)) {
            Path review = Path.of("target/golden-actual").resolve(name + "Gradients.java.txt");
            Files.createDirectories(review.getParent());
            Files.writeString(review, actual);
        }
        assertEquals(Files.readString(expected), actual, "generated source of " + name + "; the actual text is in target/golden-actual/");
    }

    @Test
    void hessianAndWrtSubset() throws IOException {
        assertGolden("Spring");
    }

    @Test
    void callAndBranch() throws IOException {
        assertGolden("Caller");
    }

    @Test
    void outputIsDeterministicAndMarkedGenerated() throws IOException {
        Path root = Path.of("src/test/java/dev/gradus/processor/corpus");
        List<String> names = List.of("Hessians", "Calls", "Piecewise", "Loops");
        JavaFileObject[] first = new JavaFileObject[names.size()];
        JavaFileObject[] second = new JavaFileObject[names.size()];
        for (int i = 0; i < names.size(); i++) {
            String text = Files.readString(root.resolve(names.get(i) + ".java"));
            first[i] = JavaFileObjects.forSourceString("dev.gradus.processor.corpus." + names.get(i), text);
            second[names.size() - 1 - i] = JavaFileObjects.forSourceString("dev.gradus.processor.corpus." + names.get(i), text);
        }
        // The second compilation sees the sources in the opposite order.
        Compilation a = compile(first);
        Compilation b = compile(second);
        assertThat(a).succeeded();
        assertThat(b).succeeded();
        for (String n : List.of("Hessians", "Calls", "Calls_Inner", "Piecewise", "Loops")) {
            String qualified = "dev.gradus.processor.corpus." + n + "Gradients";
            String textA = generated(a, qualified);
            assertEquals(textA, generated(b, qualified), qualified);
            String simple = n.contains("_") ? "Calls.Inner" : n;
            assertThat(a).generatedSourceFile(qualified).contentsAsUtf8String().contains(
                    "import javax.annotation.processing.Generated;");
            assertThat(a).generatedSourceFile(qualified).contentsAsUtf8String().contains("@Generated(\n"
                    + "        value = \"dev.gradus.processor.GradusProcessor\",\n"
                    + "        comments = \"from dev.gradus.processor.corpus." + simple + "\"\n)");
        }
    }
}
