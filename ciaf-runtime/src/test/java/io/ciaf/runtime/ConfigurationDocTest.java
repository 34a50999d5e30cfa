package io.ciaf.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** docs/configuration.md lists every key with its environment variable and default, as the code has them. */
class ConfigurationDocTest {

    @Test
    void everyKeyIsDocumentedWithItsVariableAndDefault() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
        for (CiafConfig.Key k : CiafConfig.KEYS.values()) {
            String row = doc.lines().filter(l -> l.startsWith("| `" + k.name() + "` |")).findFirst().orElse(null);
            assertThat(row).as("a table row for " + k.name()).isNotNull();
            if (k.env() != null) {
                assertThat(row).contains("`" + k.env() + "`");
            }
            if (k.defaultValue() != null && !k.defaultValue().isEmpty() && !k.defaultValue().equals("[]")) {
                assertThat(row).contains("`" + k.defaultValue() + "`");
            }
        }
        long rows = doc.lines().filter(l -> l.startsWith("| `")).count();
        assertThat(rows).isEqualTo(CiafConfig.KEYS.size());
    }
}
