package io.ciaf.compliance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ciaf.api.MetadataRecord;
import io.ciaf.api.Stage;
import io.ciaf.compliance.acme.AcmeFramework;

class FrameworksTest {

    @TempDir
    Path dir;

    /** A plugin jar: the framework's class file and its META-INF/services entry (plus a line naming no class). */
    private Path pluginJar(String services) throws IOException {
        Path jar = dir.resolve("acme-compliance.jar");
        String classFile = AcmeFramework.class.getName().replace('.', '/') + ".class";
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                InputStream in = AcmeFramework.class.getClassLoader().getResourceAsStream(classFile)) {
            out.putNextEntry(new JarEntry("META-INF/services/" + ComplianceFramework.class.getName()));
            out.write(services.getBytes(StandardCharsets.UTF_8));
            out.putNextEntry(new JarEntry(classFile));
            in.transferTo(out);
        }
        return jar;
    }

    @Test
    void theSevenBuiltInFrameworksHaveUniqueIdsAndCheckIds() {
        List<ComplianceFramework> builtIn = Frameworks.builtIn();
        assertThat(builtIn).extracting(ComplianceFramework::id).containsExactly("eu-ai-act", "gdpr", "fda-21-cfr-11",
                "eeoc", "fcra-ecoa", "hipaa", "iso-13485");
        assertThat(builtIn.stream().flatMap(f -> f.checks().stream()).map(ComplianceCheck::id))
                .doesNotHaveDuplicates().hasSize(9 + 10 + 8 + 5 + 6 + 6 + 6);
    }

    @Test
    void aFrameworkInAJarIsFoundThroughServiceLoaderAndScored() throws Exception {
        Path jar = pluginJar(AcmeFramework.class.getName() + "\n");
        // Without the jar, nothing but the built-in frameworks is found.
        assertThat(Frameworks.discover(getClass().getClassLoader()).frameworks()).hasSize(7);
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader())) {
            Frameworks.Found found = Frameworks.discover(loader);
            assertThat(found.problems()).isEmpty();
            assertThat(found.frameworks()).hasSize(8);
            ComplianceFramework acme = found.frameworks().get(7);
            assertThat(acme.id()).isEqualTo("acme-policy");
            Evidence two = Evidence.builder("m").records(List.of(
                    MetadataRecord.builder("m", Stage.TRAINING, "t").build(),
                    MetadataRecord.builder("m", Stage.VALIDATION, "v").build())).build();
            FrameworkScore score = FrameworkScore.assess(acme, two, 0.5);
            assertThat(score.score()).hasValue(1.0);
            assertThat(score.results().get(0).reason()).isEqualTo("2 records");
        }
    }

    @Test
    void aProviderThatCannotLoadIsNamedAndTheOthersStillLoad() throws Exception {
        Path jar = pluginJar("com.example.Missing\n" + AcmeFramework.class.getName() + "\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader())) {
            Frameworks.Found found = Frameworks.discover(loader);
            assertThat(found.problems()).singleElement().asString().contains("com.example.Missing");
            assertThat(found.frameworks()).extracting(ComplianceFramework::id).contains("acme-policy");
        }
    }
}
