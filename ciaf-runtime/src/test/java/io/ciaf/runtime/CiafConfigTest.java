package io.ciaf.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CiafConfigTest {

    @TempDir
    Path dir;

    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void defaultsApplyWhenNothingIsSet() {
        CiafConfig c = CiafConfig.load(Map.of("CIAF_HOME", dir.toString()), new Properties(), null);
        assertThat(c.validate()).isEmpty();
        assertThat(c.storageBackend()).isEqualTo("sqlite");
        assertThat(c.storagePath()).isEqualTo(dir.resolve("metadata"));
        assertThat(c.syncByDefault()).isFalse();
        assertThat(c.flushIntervalMillis()).isEqualTo(50);
        assertThat(c.dropWhenFull()).isFalse();
        assertThat(c.source("capture.mode")).isEqualTo("default");
        assertThat(c.source("home")).isEqualTo("environment variable CIAF_HOME");
    }

    @Test
    void fileThenEnvironmentThenPropertiesThenAgentArgumentsEachOverrideTheWeaker() throws Exception {
        Files.writeString(dir.resolve("ciaf.json"), """
                {"storage": {"backend": "json"}, "capture": {"mode": "sync", "batch_size": 10,
                 "flush_interval_ms": 20, "max_string_length": 7}}
                """);
        CiafConfig c = CiafConfig.load(Map.of("CIAF_HOME", dir.toString(), "CIAF_CAPTURE_BATCH_SIZE", "20",
                "CIAF_CAPTURE_FLUSH_INTERVAL_MS", "30"), props("ciaf.capture.batch_size", "30",
                "ciaf.capture.max_string_length", "9"), "capture.batch_size=40");
        assertThat(c.validate()).isEmpty();
        assertThat(c.storageBackend()).isEqualTo("json");
        assertThat(c.source("storage.backend")).isEqualTo(dir.resolve("ciaf.json").toString());
        assertThat(c.syncByDefault()).isTrue();
        assertThat(c.flushIntervalMillis()).isEqualTo(30);
        assertThat(c.maxStringLength()).isEqualTo(9);
        assertThat(c.batchSize()).isEqualTo(40);
        assertThat(c.source("capture.batch_size")).isEqualTo("agent argument capture.batch_size");
        assertThat(c.describe()).contains("capture.max_string_length = 9    [-Dciaf.capture.max_string_length]");
    }

    @Test
    void everyProblemIsReportedAtOnceNamingTheKeyAndUnknownKeysSuggestTheClosest() throws Exception {
        Path file = dir.resolve("other.json");
        Files.writeString(file, """
                {"storage": {"backend": "sqlit"}, "capture": {"flush_interval": 5, "methods": [{"class": "a.B"}]}}
                """);
        CiafConfig c = CiafConfig.load(Map.of("CIAF_HOME", dir.toString(), "CIAF_STORAGE_BACKNED", "json",
                "CIAF_RETENTION_DAYS", "forever"), props("ciaf.config", file.toString(), "ciaf.capture.mode", "later"),
                "capture.queue_capacity=3,oops");
        assertThat(c.validate()).hasSize(8).anySatisfy(e -> assertThat(e)
                .contains("CIAF_STORAGE_BACKNED is not a CIAF setting; did you mean CIAF_STORAGE_BACKEND?"))
                .anySatisfy(e -> assertThat(e).contains("capture.flush_interval is not a CIAF setting; did you mean"
                        + " capture.flush_interval_ms?"))
                .anySatisfy(e -> assertThat(e).contains("storage.backend = sqlit").contains("did you mean sqlite?"))
                .anySatisfy(e -> assertThat(e).contains("retention.days = forever").contains("whole number"))
                .anySatisfy(e -> assertThat(e).contains("capture.mode = later (-Dciaf.capture.mode): use one of"))
                .anySatisfy(e -> assertThat(e).contains("capture.queue_capacity = 3 (agent argument"))
                .anySatisfy(e -> assertThat(e).contains("agent argument 'oops' is not key=value"))
                .anySatisfy(e -> assertThat(e).contains("capture.methods[0].methods"));
        // Where a value was refused, the default stands in, and config show says so rather than naming the source.
        assertThat(c.describe())
                .contains("capture.mode = async    [default, in place of the invalid value from -Dciaf.capture.mode]")
                .contains("retention.days = 365    [default, in place of the invalid value from environment variable"
                        + " CIAF_RETENTION_DAYS]")
                .contains("storage.backend = sqlite    [default, in place of the invalid value from " + file + "]");
    }

    @Test
    void methodRulesAreReadFromTheFile() throws Exception {
        Files.writeString(dir.resolve("ciaf.json"), """
                {"capture": {"methods": [{"class": "smile.classification.LogisticRegression", "methods": ["fit"],
                  "subtypes": true, "model": "credit", "stage": "training", "event": "fit"}]}}
                """);
        CiafConfig c = CiafConfig.load(Map.of("CIAF_HOME", dir.toString()), new Properties(), null);
        assertThat(c.validate()).isEmpty();
        assertThat(c.methods()).containsExactly(new CiafConfig.MethodRule("smile.classification.LogisticRegression",
                java.util.List.of("fit"), true, "credit", "training", "fit"));
    }

    @Test
    void templatesAreValidConfigurations() throws Exception {
        for (String profile : new String[] {"production", "development"}) {
            Path home = dir.resolve(profile);
            Files.createDirectories(home);
            Files.writeString(home.resolve("ciaf.json"), CiafConfig.template(profile));
            CiafConfig c = CiafConfig.load(Map.of("CIAF_HOME", home.toString()), new Properties(), null);
            assertThat(c.validate()).as(profile).isEmpty();
        }
        assertThat(CiafConfig.load(Map.of("CIAF_HOME", dir.resolve("production").toString()), new Properties(), null)
                .syncByDefault()).isTrue();
    }

    @Test
    void theWebhookSecretIsNeverShownAndBadWebhookSettingsAreNamed() {
        CiafConfig ok = CiafConfig.load(Map.of("CIAF_HOME", dir.toString(), "CIAF_WEBHOOK_URL",
                "https://monitoring.example/ciaf", "CIAF_WEBHOOK_SECRET", "hunter2-do-not-print"), new Properties(), null);
        assertThat(ok.validate()).isEmpty();
        assertThat(ok.describe()).contains("webhooks.secret = (set, not shown)").doesNotContain("hunter2");
        assertThat(ok.webhook().orElseThrow().toString()).doesNotContain("hunter2");

        CiafConfig bad = CiafConfig.load(Map.of("CIAF_HOME", dir.toString(), "CIAF_WEBHOOK_URL",
                "ftp://user:pw@example/x", "CIAF_WEBHOOK_EVENTS", "metadata_saved,compliance_fail",
                "CIAF_WEBHOOK_STAGES", "training,serving", "CIAF_COMPLIANCE_FOUR_FIFTHS", "1.5"), new Properties(), null);
        assertThat(bad.validate())
                .anyMatch(e -> e.contains("webhooks.url") && e.contains("http:// or https://"))
                .anyMatch(e -> e.contains("'compliance_fail' is not an event") && e.contains("did you mean compliance_failed?"))
                .anyMatch(e -> e.contains("'serving' is not a stage"))
                .anyMatch(e -> e.contains("compliance.four_fifths = 1.5") && e.contains("must be from 0.0 to 1.0"));
    }
}
