package io.ciaf.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.ciaf.storage.MetadataStorage;
import io.ciaf.storage.internal.RecordJson;
import io.ciaf.storage.internal.Suggestions;

/**
 * CIAF's configuration: every key with its default, and where each effective value came from. Sources, from
 * weakest to strongest: defaults, {@code ciaf.json} (in the home, or at {@code -Dciaf.config} or the agent's
 * {@code config=} argument), environment variables ({@code CIAF_*}), system properties ({@code -Dciaf.*}),
 * agent arguments ({@code key=value,key=value}).
 *
 * <p>Loading never throws: problems are collected and {@link #validate()} returns all of them at once,
 * each naming the key and where it came from; an unknown key suggests the closest known one. Immutable.
 */
public final class CiafConfig {

    /** One configuration key. */
    record Key(String name, String env, String defaultValue, String description) {
    }

    static final Map<String, Key> KEYS = new LinkedHashMap<>();

    private static void key(String name, String env, String defaultValue, String description) {
        KEYS.put(name, new Key(name, env, defaultValue, description));
    }

    private static String defaultDays(String retentionClass) {
        return String.valueOf(io.ciaf.retention.Retention.DEFAULT_DAYS.get(retentionClass));
    }

    static {
        key("home", "CIAF_HOME", "ciaf-data", "the CIAF home: ledger, keys, checkpoints, metadata");
        key("storage.backend", "CIAF_STORAGE_BACKEND", "sqlite", "metadata backend: sqlite, json or javaser");
        key("storage.path", "CIAF_STORAGE_PATH", null, "metadata directory (default: <home>/metadata)");
        key("retention.days", "CIAF_RETENTION_DAYS", defaultDays("operational"),
                "days operational entries (METADATA records) are kept before ciaf retention apply erases their payloads");
        key("retention.critical_days", "CIAF_RETENTION_CRITICAL_DAYS", defaultDays("critical"),
                "days critical entries (MODEL, DATASET, COMPLIANCE, RECOVERY) are kept");
        key("retention.important_days", "CIAF_RETENTION_IMPORTANT_DAYS", defaultDays("important"),
                "days important entries (INFERENCE receipts) are kept");
        key("retention.transient_days", "CIAF_RETENTION_TRANSIENT_DAYS", defaultDays("transient"),
                "days transient entries (SESSION_START, SESSION_END, DROPPED) are kept");
        key("retention.auto_cleanup", "CIAF_AUTO_CLEANUP", "false",
                "whether expired records are removed automatically (enforced by the retention commands)");
        key("capture.inference_receipts", "CIAF_CAPTURE_INFERENCE_RECEIPTS", "off",
                "off, hmac, salted or plaintext: captured INFERENCE-stage methods also get an inference receipt"
                        + " committing to their arguments and result this way");
        key("capture.model_anchors", "CIAF_CAPTURE_MODEL_ANCHORS", "off",
                "on: a captured TRAINING-stage method that returns its parameters (double[], double[][], float[]) or"
                        + " the saved model file (Path, File) also gets a model anchor");
        key("capture.mode", "CIAF_CAPTURE_MODE", "async",
                "async: calls return at once, records durable within the flush interval; sync: calls return"
                        + " after their record is durable");
        key("capture.flush_interval_ms", "CIAF_CAPTURE_FLUSH_INTERVAL_MS", "50",
                "longest time an async record waits before it is committed");
        key("capture.queue_capacity", "CIAF_CAPTURE_QUEUE_CAPACITY", "8192",
                "events waiting to be committed (each holds its values until then, so this bounds the memory"
                        + " CIAF takes)");
        key("capture.overload", "CIAF_CAPTURE_OVERLOAD", "block",
                "when the queue is full: block the caller, or drop (dropped records are counted in the ledger)");
        key("capture.batch_size", "CIAF_CAPTURE_BATCH_SIZE", "1000", "most records committed in one transaction");
        key("capture.pipeline_priority", "CIAF_CAPTURE_PIPELINE_PRIORITY", "low",
                "low: CIAF's pipeline threads run at the lowest CPU priority (nice 19, Linux), so the application's"
                        + " threads go first; idle: nice 19 and SCHED_IDLE (a shorter latency tail once warm, a"
                        + " slower warm-up under full load); normal: as the application's");
        key("capture.max_string_length", "CIAF_CAPTURE_MAX_STRING_LENGTH", "256",
                "string arguments and results are cut to this many characters");
        key("capture.redact", "CIAF_CAPTURE_REDACT", "",
                "more parameter names never stored (besides names containing password, token, secret, key)");
        key("capture.methods", null, "[]",
                "third-party methods to capture: [{class, methods, subtypes, model, stage, event}] (ciaf.json only)");
        key("checkpoint.interval_seconds", "CIAF_CHECKPOINT_INTERVAL_SECONDS", "300",
                "seal a signed checkpoint this often while capturing (0: only at shutdown)");
        key("compliance.frameworks", "CIAF_COMPLIANCE_FRAMEWORKS", "",
                "framework ids ciaf compliance assess scores by default (empty: every one found)");
        key("compliance.protected_attributes", "CIAF_COMPLIANCE_PROTECTED_ATTRIBUTES", "",
                "INFERENCE metadata keys that name an applicant's group (e.g. sex, age_group); fairness is measured"
                        + " over each");
        key("compliance.four_fifths", "CIAF_COMPLIANCE_FOUR_FIFTHS", "0.8",
                "lowest accepted ratio of a group's selection rate to the highest (EEOC-4D, FCRA-DI)");
        key("compliance.z_critical", "CIAF_COMPLIANCE_Z_CRITICAL", "1.96",
                "two-proportion |z| above which a selection-rate gap counts as significant (EEOC-4D-sig)");
        key("compliance.min_group_size", "CIAF_COMPLIANCE_MIN_GROUP_SIZE", "30",
                "groups with fewer decisions are noted as too small for a reliable ratio");
        key("compliance.psi_moderate", "CIAF_COMPLIANCE_PSI_MODERATE", "0.1", "population stability index from which"
                + " drift counts as moderate");
        key("compliance.psi_major", "CIAF_COMPLIANCE_PSI_MAJOR", "0.25", "population stability index above which"
                + " drift counts as major");
        key("compliance.accuracy_tolerance", "CIAF_COMPLIANCE_ACCURACY_TOLERANCE", "0.05",
                "how far production accuracy may fall below the declared accuracy (AIA-15)");
        key("compliance.blocking_cap", "CIAF_COMPLIANCE_BLOCKING_CAP", "0.5",
                "highest score of a framework with a failed blocking check");
        key("compliance.max_adverse_reasons", "CIAF_COMPLIANCE_MAX_ADVERSE_REASONS", "4",
                "most principal reasons an adverse-action notice may give (FCRA-AA)");
        key("compliance.adverse_notice_days", "CIAF_COMPLIANCE_ADVERSE_NOTICE_DAYS", "30",
                "days within which an adverse-action notice must go out (FCRA-AA-time)");
        key("compliance.approved_features", "CIAF_COMPLIANCE_APPROVED_FEATURES", "",
                "features the model may use (GDPR-5c); empty: not decided");
        key("compliance.special_categories", "CIAF_COMPLIANCE_SPECIAL_CATEGORIES", "",
                "feature-name fragments of Art 9 special categories (empty: race, ethnic, religio, health, …)");
        key("compliance.authorised_users", "CIAF_COMPLIANCE_AUTHORISED_USERS", "",
                "user ids allowed to act on the model (P11-10dg); empty: not decided");
        key("compliance.shared_ids", "CIAF_COMPLIANCE_SHARED_IDS", "",
                "user ids that name no single person (HIPAA-312a; empty: admin, root, shared, user, test, guest,"
                        + " system)");
        key("compliance.log_review_days", "CIAF_COMPLIANCE_LOG_REVIEW_DAYS", "90",
                "a log review must be recorded this often (HIPAA-308D)");
        key("compliance.device_lifetime_days", "CIAF_COMPLIANCE_DEVICE_LIFETIME_DAYS", "0",
                "the device's lifetime; records are kept at least this long and 2 years (ISO-425)");
        key("validators", null, "[]",
                "stage validators: [{stage, required: [keys], min: {key: n}, max: {key: n}}] (ciaf.json only)");
        key("webhooks.url", "CIAF_WEBHOOK_URL", null,
                "where events are POSTed (http or https); empty: no webhook");
        key("webhooks.secret", "CIAF_WEBHOOK_SECRET", null,
                "HMAC-SHA256 key of the X-CIAF-Signature header; never logged or shown");
        key("webhooks.events", "CIAF_WEBHOOK_EVENTS", "",
                "events sent (empty: all): " + String.join(", ", io.ciaf.webhook.AuditEvents.NAMES));
        key("webhooks.models", "CIAF_WEBHOOK_MODELS", "", "only events of these models (empty: all)");
        key("webhooks.stages", "CIAF_WEBHOOK_STAGES", "", "only record events of these stages (empty: all)");
        key("webhooks.timeout_ms", "CIAF_WEBHOOK_TIMEOUT_MS", "5000", "longest wait for the receiver's answer");
        key("webhooks.max_attempts", "CIAF_WEBHOOK_MAX_ATTEMPTS", "10",
                "attempts before a delivery goes to the dead letters (ciaf webhooks retry sends it again)");
        key("webhooks.backoff_ms", "CIAF_WEBHOOK_BACKOFF_MS", "1000",
                "wait before the first retry; doubles each attempt, with ±50% jitter");
        key("webhooks.max_backoff_ms", "CIAF_WEBHOOK_MAX_BACKOFF_MS", "300000", "longest wait between attempts");
        key("ledger.origin", "CIAF_LEDGER_ORIGIN", null,
                "checkpoint origin when the runtime creates a new ledger (default: ciaf.local/<host name>)");
    }

    private static final Map<String, String> ENV_ALIASES = new TreeMap<>();

    static {
        for (Key k : KEYS.values()) {
            if (k.env() != null) {
                ENV_ALIASES.put(k.env(), k.name());
            }
        }
    }

    /** Properties and arguments that locate the configuration rather than being part of it. */
    private static final List<String> LOCATORS = List.of("config", "stderr.tty", "agent.debug");

    private final Map<String, Object> values;
    private final Map<String, String> sources;
    private final List<String> errors;

    private CiafConfig(Map<String, Object> values, Map<String, String> sources, List<String> errors) {
        this.values = values;
        this.sources = sources;
        this.errors = errors;
    }

    /** The configuration of this JVM: its environment and system properties, no agent arguments. */
    public static CiafConfig load() {
        return load(System.getenv(), System.getProperties(), null);
    }

    /** The configuration from explicit sources (agent arguments may be null). */
    public static CiafConfig load(Map<String, String> env, Properties properties, String agentArguments) {
        return new Loader(env, properties, agentArguments, null).load();
    }

    /** As {@link #load(Map, Properties, String)}, with the home given on a command line ({@code --home}). */
    public static CiafConfig loadWithHome(Map<String, String> env, Properties properties, Path home) {
        return new Loader(env, properties, null, home).load();
    }

    /** Every problem found, each naming the key and its source; empty when the configuration is usable. */
    public List<String> validate() {
        return errors;
    }

    /** Where the effective value of {@code key} came from: default, a file, an environment variable, … */
    public String source(String key) {
        return sources.getOrDefault(key, "default");
    }

    public Path home() {
        return Path.of((String) values.get("home"));
    }

    public String storageBackend() {
        return (String) values.get("storage.backend");
    }

    public Path storagePath() {
        Object p = values.get("storage.path");
        return p == null ? home().resolve("metadata") : Path.of((String) p);
    }

    /**
     * Days each retention class is kept: {@code critical}, {@code important}, {@code operational} (the
     * {@code retention.days} key) and {@code transient}.
     */
    public Map<String, Integer> retentionClassDays() {
        Map<String, Integer> days = new LinkedHashMap<>();
        days.put("critical", (Integer) values.get("retention.critical_days"));
        days.put("important", (Integer) values.get("retention.important_days"));
        days.put("operational", (Integer) values.get("retention.days"));
        days.put("transient", (Integer) values.get("retention.transient_days"));
        return days;
    }

    public int retentionDays() {
        return (Integer) values.get("retention.days");
    }

    public boolean autoCleanup() {
        return (Boolean) values.get("retention.auto_cleanup");
    }

    /** Whether captured TRAINING-stage calls that return their parameters also get a model anchor. */
    public boolean modelAnchors() {
        return "on".equals(values.get("capture.model_anchors"));
    }

    /** How captured INFERENCE-stage calls commit to their arguments and result: off, hmac, salted or plaintext. */
    public String inferenceReceipts() {
        return (String) values.get("capture.inference_receipts");
    }

    /** Whether captured INFERENCE-stage calls get receipts ({@link #inferenceReceipts} is not off). */
    public boolean inferenceReceiptsOn() {
        return !"off".equals(inferenceReceipts());
    }

    /** True when calls wait for their record to be durable by default. */
    public boolean syncByDefault() {
        return "sync".equals(values.get("capture.mode"));
    }

    /** True when the pipeline threads should give the CPU to the application's threads first. */
    public boolean lowPipelinePriority() {
        return !"normal".equals(values.get("capture.pipeline_priority"));
    }

    /** Whether the pipeline's threads also take the SCHED_IDLE policy ({@code capture.pipeline_priority=idle}). */
    public boolean idlePipelinePriority() {
        return "idle".equals(values.get("capture.pipeline_priority"));
    }

    public long flushIntervalMillis() {
        return (Integer) values.get("capture.flush_interval_ms");
    }

    public int queueCapacity() {
        return (Integer) values.get("capture.queue_capacity");
    }

    /** True when a full queue drops records (counted) instead of blocking the caller. */
    public boolean dropWhenFull() {
        return "drop".equals(values.get("capture.overload"));
    }

    public int batchSize() {
        return (Integer) values.get("capture.batch_size");
    }

    public int maxStringLength() {
        return (Integer) values.get("capture.max_string_length");
    }

    @SuppressWarnings("unchecked")
    public List<String> redact() {
        return (List<String>) values.get("capture.redact");
    }

    @SuppressWarnings("unchecked")
    public List<MethodRule> methods() {
        return (List<MethodRule>) values.get("capture.methods");
    }

    /**
     * The settings compliance checks read (every {@code compliance.*} and {@code retention.*} value), under
     * their config keys.
     */
    public Map<String, Object> complianceSettings() {
        Map<String, Object> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if ((k.startsWith("compliance.") || k.startsWith("retention.")) && v != null) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** The framework ids assessed by default (empty: all). */
    @SuppressWarnings("unchecked")
    public List<String> complianceFrameworks() {
        return (List<String>) values.get("compliance.frameworks");
    }

    public double blockingCap() {
        return (Double) values.get("compliance.blocking_cap");
    }

    public double fourFifths() {
        return (Double) values.get("compliance.four_fifths");
    }

    /** Stage validators from config ({@code validators}). */
    @SuppressWarnings("unchecked")
    public List<ValidatorRule> validators() {
        return (List<ValidatorRule>) values.get("validators");
    }

    /** The webhook, if {@code webhooks.url} is set. */
    @SuppressWarnings("unchecked")
    public java.util.Optional<io.ciaf.webhook.WebhookSettings> webhook() {
        String url = (String) values.get("webhooks.url");
        if (url == null) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new io.ciaf.webhook.WebhookSettings(java.net.URI.create(url),
                (String) values.get("webhooks.secret"), (List<String>) values.get("webhooks.events"),
                (List<String>) values.get("webhooks.models"), (List<String>) values.get("webhooks.stages"),
                (Integer) values.get("webhooks.timeout_ms"), (Integer) values.get("webhooks.max_attempts"),
                (Integer) values.get("webhooks.backoff_ms"), (Integer) values.get("webhooks.max_backoff_ms")));
    }

    public int checkpointIntervalSeconds() {
        return (Integer) values.get("checkpoint.interval_seconds");
    }

    public String origin() {
        Object o = values.get("ledger.origin");
        if (o != null) {
            return (String) o;
        }
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "localhost";
        }
        return "ciaf.local/" + host.replaceAll("[^A-Za-z0-9._/-]", "-");
    }

    /** The effective configuration, one key per line with its value and source. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        for (Key k : KEYS.values()) {
            Object v = values.get(k.name());
            if (v == null && k.name().equals("storage.path")) {
                v = storagePath();
            }
            if (v != null && k.name().equals("webhooks.secret")) {
                v = "(set, not shown)";
            }
            out.append(k.name()).append(" = ").append(v == null ? "(unset: " + k.description() + ")" : render(v))
                    .append("    [").append(source(k.name())).append("]\n");
        }
        return out.toString();
    }

    private static String render(Object v) {
        if (v instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof MethodRule) {
            return list.size() + " method rule(s)";
        }
        if (v instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof ValidatorRule) {
            return list.size() + " validator rule(s)";
        }
        return String.valueOf(v);
    }

    /**
     * A template {@code ciaf.json} for {@code production} (sync capture, frequent checkpoints) or
     * {@code development} (async, json backend for reading).
     *
     * @throws IllegalArgumentException for another profile name
     */
    public static String template(String profile) {
        return switch (profile) {
            case "production" -> """
                    {
                      "storage": {"backend": "sqlite"},
                      "retention": {"days": 2555, "auto_cleanup": false},
                      "capture": {"mode": "sync", "overload": "block", "queue_capacity": 8192,
                                  "max_string_length": 128, "redact": ["ssn", "account_number"]},
                      "checkpoint": {"interval_seconds": 60}
                    }
                    """;
            case "development" -> """
                    {
                      "storage": {"backend": "json"},
                      "retention": {"days": 30, "auto_cleanup": true},
                      "capture": {"mode": "async", "flush_interval_ms": 50, "overload": "drop"},
                      "checkpoint": {"interval_seconds": 300}
                    }
                    """;
            default -> throw new IllegalArgumentException("no template '" + profile
                    + "': use production or development");
        };
    }

    /** A third-party method to capture, from {@code capture.methods}. */
    public record MethodRule(String className, List<String> methods, boolean subtypes, String model, String stage,
            String event) {
    }

    /**
     * A stage validator from config: the metadata keys a record of {@code stage} must have, and the lowest and
     * highest values of numeric keys (e.g. {@code {"stage": "validation", "min": {"accuracy": 0.8}}}).
     */
    public record ValidatorRule(io.ciaf.api.Stage stage, List<String> required, Map<String, Double> min,
            Map<String, Double> max) implements io.ciaf.api.spi.MetadataValidator {

        public ValidatorRule {
            required = List.copyOf(required);
            min = Map.copyOf(min);
            max = Map.copyOf(max);
        }

        @Override
        public List<String> validate(io.ciaf.api.MetadataRecord record) {
            List<String> problems = new ArrayList<>();
            for (String key : required) {
                if (record.metadata().get(key) == null) {
                    problems.add("metadata." + key + " is required for " + stage.wireName() + " records (validators)");
                }
            }
            check(record, min, true, problems);
            check(record, max, false, problems);
            return problems;
        }

        private void check(io.ciaf.api.MetadataRecord record, Map<String, Double> bounds, boolean lower,
                List<String> problems) {
            for (Map.Entry<String, Double> b : new java.util.TreeMap<>(bounds).entrySet()) {
                Object v = record.metadata().get(b.getKey());
                if (v == null) {
                    problems.add("metadata." + b.getKey() + " is missing; " + stage.wireName() + " records need it "
                            + (lower ? "≥ " : "≤ ") + b.getValue() + " (validators)");
                } else if (!(v instanceof Number n)) {
                    problems.add("metadata." + b.getKey() + " = " + v + " is not a number (validators)");
                } else if (lower ? n.doubleValue() < b.getValue() : n.doubleValue() > b.getValue()) {
                    problems.add("metadata." + b.getKey() + " = " + v + " is " + (lower ? "below the minimum "
                            : "above the maximum ") + b.getValue() + " (validators)");
                }
            }
        }
    }

    /** Reads the sources in order; every problem becomes one error line. */
    private static final class Loader {
        private final Map<String, String> env;
        private final Properties properties;
        private final String agentArguments;
        private final Path homeOption;
        private final Map<String, Object> raw = new LinkedHashMap<>();
        private final Map<String, String> sources = new LinkedHashMap<>();
        private final List<String> errors = new ArrayList<>();

        Loader(Map<String, String> env, Properties properties, String agentArguments, Path homeOption) {
            this.env = env;
            this.properties = properties;
            this.agentArguments = agentArguments;
            this.homeOption = homeOption;
        }

        CiafConfig load() {
            Map<String, String> args = parseAgentArguments();
            if (homeOption != null) {
                args.put("home", homeOption.toString());
            }
            Map<String, String> props = new TreeMap<>();
            for (String name : properties.stringPropertyNames()) {
                if (name.startsWith("ciaf.")) {
                    props.put(name.substring(5), properties.getProperty(name));
                }
            }
            Map<String, String> fromEnv = new TreeMap<>();
            for (Map.Entry<String, String> e : env.entrySet()) {
                if (e.getKey().startsWith("CIAF_")) {
                    String key = ENV_ALIASES.get(e.getKey());
                    if (key == null) {
                        errors.add("environment variable " + e.getKey() + " is not a CIAF setting"
                                + hint(e.getKey(), ENV_ALIASES.keySet()));
                    } else {
                        fromEnv.put(key, e.getValue());
                    }
                }
            }
            // The home and the file location come from the stronger sources, then the file fills in.
            String home = firstOf("home", args, props, fromEnv);
            String file = args.containsKey("config") ? args.get("config") : props.get("config");
            Path configFile = file != null ? Path.of(file) : Path.of(home != null ? home : "ciaf-data").resolve("ciaf.json");
            readFile(configFile, file != null);
            put(fromEnv, "environment variable ", true);
            put(props, "-Dciaf.", false);
            put(args, homeOption != null ? "--" : "agent argument ", false);
            Map<String, Object> values = new LinkedHashMap<>();
            for (Key k : KEYS.values()) {
                Object v = raw.containsKey(k.name()) ? raw.get(k.name()) : k.defaultValue();
                values.put(k.name(), convert(k, v));
            }
            if (values.get("webhooks.url") != null && (values.get("webhooks.secret") == null
                    || String.valueOf(values.get("webhooks.secret")).isEmpty())) {
                errors.add("webhooks.url is set (" + sources.getOrDefault("webhooks.url", "default") + ") but"
                        + " webhooks.secret is not: set CIAF_WEBHOOK_SECRET (or webhooks.secret in ciaf.json) so that"
                        + " receivers can check each delivery's X-CIAF-Signature");
            }
            return new CiafConfig(Collections.unmodifiableMap(values), Collections.unmodifiableMap(sources),
                    List.copyOf(errors));
        }

        private static String firstOf(String key, Map<String, String> a, Map<String, String> b, Map<String, String> c) {
            return a.containsKey(key) ? a.get(key) : b.containsKey(key) ? b.get(key) : c.get(key);
        }

        private Map<String, String> parseAgentArguments() {
            Map<String, String> out = new TreeMap<>();
            if (agentArguments == null || agentArguments.isBlank()) {
                return out;
            }
            for (String pair : agentArguments.split(",")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    errors.add("agent argument '" + pair + "' is not key=value (e.g. -javaagent:ciaf-agent.jar="
                            + "capture.mode=sync,home=/srv/ciaf)");
                    continue;
                }
                out.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip().replace('|', ','));
            }
            return out;
        }

        private void put(Map<String, String> in, String prefix, boolean envNames) {
            for (Map.Entry<String, String> e : in.entrySet()) {
                String key = e.getKey();
                if (LOCATORS.contains(key)) {
                    continue;
                }
                String where = envNames ? prefix + KEYS.get(key).env() : prefix + key;
                if (!KEYS.containsKey(key)) {
                    errors.add(where + " is not a CIAF setting" + hint(key, KEYS.keySet()));
                } else if (KEYS.get(key).env() == null) {
                    errors.add(where + ": " + key + " can only be set in ciaf.json");
                } else {
                    raw.put(key, e.getValue());
                    sources.put(key, where);
                }
            }
        }

        private void readFile(Path file, boolean named) {
            if (!Files.exists(file)) {
                if (named) {
                    errors.add("config file " + file + " (from ciaf.config) does not exist");
                }
                return;
            }
            Object parsed;
            try {
                parsed = RecordJson.MAPPER.readValue(Files.readString(file), Object.class);
            } catch (JsonProcessingException e) {
                errors.add("config file " + file + " is not valid JSON: " + e.getOriginalMessage() + " (line "
                        + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
                return;
            } catch (IOException e) {
                errors.add("config file " + file + " cannot be read: " + e);
                return;
            }
            if (!(parsed instanceof Map)) {
                errors.add("config file " + file + " must hold one JSON object");
                return;
            }
            flatten("", (Map<?, ?>) parsed, file);
        }

        private void flatten(String prefix, Map<?, ?> map, Path file) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = prefix + e.getKey();
                if (KEYS.containsKey(key)) {
                    raw.put(key, e.getValue());
                    sources.put(key, file.toString());
                } else if (e.getValue() instanceof Map<?, ?> nested && KEYS.keySet().stream()
                        .anyMatch(k -> k.startsWith(key + "."))) {
                    flatten(key + ".", nested, file);
                } else {
                    errors.add(file + ": " + key + " is not a CIAF setting" + hint(key, KEYS.keySet()));
                }
            }
        }

        private static String hint(String typed, java.util.Collection<String> known) {
            String closest = Suggestions.closest(typed, known);
            return closest == null ? "" : "; did you mean " + closest + "?";
        }

        private Object convert(Key k, Object v) {
            Object shown = k.name().equals("webhooks.secret") ? "(not shown)" : v;
            String where = k.name() + " = " + shown + " (" + sources.getOrDefault(k.name(), "default") + ")";
            try {
                switch (k.name()) {
                    case "retention.days":
                    case "retention.critical_days":
                    case "retention.important_days":
                    case "retention.transient_days":
                        return intIn(v, 1, 36_500, where, "days");
                    case "capture.flush_interval_ms":
                        return intIn(v, 1, 60_000, where, "milliseconds");
                    case "capture.queue_capacity":
                        return intIn(v, 16, 10_000_000, where, "events");
                    case "capture.batch_size":
                        return intIn(v, 1, 100_000, where, "records");
                    case "capture.max_string_length":
                        return intIn(v, 0, 1_000_000, where, "characters");
                    case "checkpoint.interval_seconds":
                        return intIn(v, 0, 86_400, where, "seconds");
                    case "compliance.min_group_size":
                    case "compliance.max_adverse_reasons":
                        return intIn(v, 1, 1_000_000, where, "");
                    case "compliance.adverse_notice_days":
                    case "compliance.log_review_days":
                        return intIn(v, 1, 36_500, where, "days");
                    case "compliance.device_lifetime_days":
                        return intIn(v, 0, 36_500, where, "days");
                    case "compliance.four_fifths":
                    case "compliance.psi_moderate":
                    case "compliance.psi_major":
                    case "compliance.accuracy_tolerance":
                    case "compliance.blocking_cap":
                        return doubleIn(v, 0, 1, where);
                    case "compliance.z_critical":
                        return doubleIn(v, 0, 10, where);
                    case "compliance.frameworks":
                    case "compliance.protected_attributes":
                    case "compliance.approved_features":
                    case "compliance.special_categories":
                    case "compliance.authorised_users":
                    case "compliance.shared_ids":
                    case "webhooks.models":
                        return stringList(v, where);
                    case "webhooks.stages": {
                        List<String> stages = stringList(v, where);
                        for (String st : stages) {
                            if (!isStage(st)) {
                                throw new IllegalArgumentException(where + ": '" + st + "' is not a stage; use"
                                        + " data_ingestion, preprocessing, training, validation, deployment,"
                                        + " inference, monitoring or compliance");
                            }
                        }
                        return stages.stream().map(st -> io.ciaf.api.Stage.parse(st).wireName()).toList();
                    }
                    case "webhooks.events": {
                        List<String> events = stringList(v, where);
                        for (String ev : events) {
                            if (!io.ciaf.webhook.AuditEvents.NAMES.contains(ev)) {
                                throw new IllegalArgumentException(where + ": '" + ev + "' is not an event; use "
                                        + String.join(", ", io.ciaf.webhook.AuditEvents.NAMES)
                                        + hint(ev, io.ciaf.webhook.AuditEvents.NAMES));
                            }
                        }
                        return events;
                    }
                    case "webhooks.url":
                        return url(v, where);
                    case "webhooks.timeout_ms":
                        return intIn(v, 100, 600_000, where, "milliseconds");
                    case "webhooks.max_attempts":
                        return intIn(v, 1, 1000, where, "attempts");
                    case "webhooks.backoff_ms":
                        return intIn(v, 1, 3_600_000, where, "milliseconds");
                    case "webhooks.max_backoff_ms":
                        return intIn(v, 1, 86_400_000, where, "milliseconds");
                    case "validators":
                        return validatorRules(v, where);
                    case "retention.auto_cleanup":
                        return bool(v, where);
                    case "capture.mode":
                        return oneOf(v, where, "async", "sync");
                    case "capture.model_anchors":
                        return oneOf(v, where, "off", "on");
                    case "capture.inference_receipts":
                        return oneOf(v, where, "off", "hmac", "salted", "plaintext");
                    case "capture.overload":
                        return oneOf(v, where, "block", "drop");
                    case "capture.pipeline_priority":
                        return oneOf(v, where, "low", "idle", "normal");
                    case "storage.backend": {
                        String b = String.valueOf(v);
                        if (!MetadataStorage.availableBackends().contains(b)) {
                            throw new IllegalArgumentException(where + ": unknown backend; use one of "
                                    + MetadataStorage.availableBackends() + hint(b, MetadataStorage.availableBackends()));
                        }
                        return b;
                    }
                    case "capture.redact":
                        return stringList(v, where);
                    case "capture.methods":
                        return methodRules(v, where);
                    default:
                        return v == null ? null : String.valueOf(v);
                }
            } catch (IllegalArgumentException e) {
                errors.add(e.getMessage());
                // Say so where the value is shown: the default stands in, not what that source gave.
                String from = sources.get(k.name());
                if (from != null) {
                    sources.put(k.name(), "default, in place of the invalid value from " + from);
                }
                return convert(k, k.defaultValue());
            }
        }

        private static boolean isStage(Object stage) {
            try {
                return stage != null && io.ciaf.api.Stage.parse(String.valueOf(stage)) != null;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }

        private static int intIn(Object v, int min, int max, String where, String unit) {
            long n;
            if (v instanceof Number num && num.doubleValue() == Math.rint(num.doubleValue())) {
                n = num.longValue();
            } else {
                try {
                    n = Long.parseLong(String.valueOf(v).strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(where + ": not a whole number of " + unit);
                }
            }
            if (n < min || n > max) {
                throw new IllegalArgumentException(where + ": must be " + min + " to " + max + " " + unit);
            }
            return (int) n;
        }

        private static double doubleIn(Object v, double min, double max, String where) {
            double d;
            if (v instanceof Number n) {
                d = n.doubleValue();
            } else {
                try {
                    d = Double.parseDouble(String.valueOf(v).strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(where + ": not a number");
                }
            }
            if (!(d >= min && d <= max)) {
                throw new IllegalArgumentException(where + ": must be from " + min + " to " + max);
            }
            return d;
        }

        private static String url(Object v, String where) {
            if (v == null || String.valueOf(v).isBlank()) {
                return null;
            }
            String s = String.valueOf(v).strip();
            try {
                java.net.URI u = new java.net.URI(s);
                if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
                    throw new IllegalArgumentException(where + ": use an http:// or https:// URL with a host");
                }
                if (u.getUserInfo() != null) {
                    throw new IllegalArgumentException(where + ": put no credentials in the URL; the webhook"
                            + " secret signs each delivery (webhooks.secret)");
                }
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException(where + ": not a URL (" + e.getReason() + ")");
            }
            return s;
        }

        /** One object of a JSON list setting, where it stands, and whether all its fields are known. */
        private record RuleObject(String at, Map<?, ?> fields, boolean clean) {
        }

        /**
         * The objects of a list setting given as JSON (ciaf.json, or a string): each that is not an object, and
         * each unknown field, is an error naming its place.
         */
        private List<RuleObject> ruleObjects(Object v, String where, String key, String kind, List<String> fields) {
            String shape = "{" + String.join(", ", fields) + "}";
            Object parsed = v;
            if (v instanceof String s) {
                try {
                    parsed = RecordJson.MAPPER.readValue(s, Object.class);
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException(where + ": not a JSON list of " + kind + "s");
                }
            }
            if (!(parsed instanceof List<?> list)) {
                throw new IllegalArgumentException(where + ": must be a list of " + shape);
            }
            List<RuleObject> out = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                String at = key + "[" + i + "]";
                if (!(list.get(i) instanceof Map<?, ?> m)) {
                    errors.add(at + ": must be an object " + shape);
                    continue;
                }
                boolean clean = true;
                for (Object f : m.keySet()) {
                    if (!fields.contains(f)) {
                        errors.add(at + "." + f + " is not a " + kind + " field" + hint(String.valueOf(f), fields));
                        clean = false;
                    }
                }
                out.add(new RuleObject(at, m, clean));
            }
            return out;
        }

        /** Adds the error of a missing or unknown stage; true when {@code stage} is one. */
        private boolean stageAt(String at, Object stage) {
            if (isStage(stage)) {
                return true;
            }
            errors.add(at + ".stage: one of data_ingestion, preprocessing, training, validation, deployment,"
                    + " inference, monitoring, compliance is required");
            return false;
        }

        private List<ValidatorRule> validatorRules(Object v, String where) {
            if (v instanceof String s && s.strip().equals("[]")) {
                return List.of();
            }
            List<ValidatorRule> rules = new ArrayList<>();
            for (RuleObject r : ruleObjects(v, where, "validators", "validator rule",
                    List.of("stage", "required", "min", "max"))) {
                String at = r.at();
                Map<?, ?> m = r.fields();
                if (!stageAt(at, m.get("stage"))) {
                    continue;
                }
                boolean ok = r.clean();
                List<String> required = List.of();
                if (m.get("required") instanceof List<?> req && req.stream().allMatch(x -> x instanceof String)) {
                    required = req.stream().map(String.class::cast).toList();
                } else if (m.get("required") != null) {
                    errors.add(at + ".required: must be a list of metadata keys");
                    ok = false;
                }
                Map<String, Double> min = bounds(m.get("min"), at + ".min");
                Map<String, Double> max = bounds(m.get("max"), at + ".max");
                if (min == null || max == null) {
                    ok = false;
                } else if (required.isEmpty() && min.isEmpty() && max.isEmpty()) {
                    errors.add(at + ": a rule needs required, min or max");
                    ok = false;
                }
                if (ok) {
                    rules.add(new ValidatorRule(io.ciaf.api.Stage.parse(String.valueOf(m.get("stage"))), required,
                            min, max));
                }
            }
            return List.copyOf(rules);
        }

        private Map<String, Double> bounds(Object v, String at) {
            if (v == null) {
                return Map.of();
            }
            if (!(v instanceof Map<?, ?> m)) {
                errors.add(at + ": must be an object of metadata key to number, e.g. {\"accuracy\": 0.8}");
                return null;
            }
            Map<String, Double> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getValue() instanceof Number n)) {
                    errors.add(at + "." + e.getKey() + ": must be a number");
                    return null;
                }
                out.put(String.valueOf(e.getKey()), n.doubleValue());
            }
            return out;
        }

        private static boolean bool(Object v, String where) {
            String s = String.valueOf(v).strip().toLowerCase(Locale.ROOT);
            if (s.equals("true") || s.equals("false")) {
                return Boolean.parseBoolean(s);
            }
            throw new IllegalArgumentException(where + ": use true or false");
        }

        private static String oneOf(Object v, String where, String... allowed) {
            String s = String.valueOf(v).strip().toLowerCase(Locale.ROOT);
            if (List.of(allowed).contains(s)) {
                return s;
            }
            throw new IllegalArgumentException(where + ": use one of " + String.join(", ", allowed));
        }

        private static List<String> stringList(Object v, String where) {
            if (v instanceof List<?> list) {
                List<String> out = new ArrayList<>();
                for (Object o : list) {
                    if (!(o instanceof String)) {
                        throw new IllegalArgumentException(where + ": every item must be a string");
                    }
                    out.add(((String) o).strip());
                }
                return List.copyOf(out);
            }
            String s = String.valueOf(v).strip();
            return s.isEmpty() ? List.of() : List.of(s.split("\\s*,\\s*"));
        }

        private List<MethodRule> methodRules(Object v, String where) {
            if (v instanceof String s && s.strip().equals("[]")) {
                return List.of(); // the default: no JSON parser needed, which keeps agent start-up short
            }
            List<MethodRule> rules = new ArrayList<>();
            for (RuleObject r : ruleObjects(v, where, "capture.methods", "method rule",
                    List.of("class", "methods", "subtypes", "model", "stage", "event"))) {
                String at = r.at();
                Map<?, ?> m = r.fields();
                Object cls = m.get("class");
                Object methods = m.get("methods");
                Object stage = m.get("stage");
                if (!(cls instanceof String) || ((String) cls).isBlank()) {
                    errors.add(at + ".class: the fully qualified class name is required");
                    continue;
                }
                List<String> names;
                if (methods instanceof String s) {
                    names = List.of(s);
                } else if (methods instanceof List<?> l && !l.isEmpty()
                        && l.stream().allMatch(x -> x instanceof String)) {
                    names = l.stream().map(String.class::cast).toList();
                } else {
                    errors.add(at + ".methods: a method name or a list of them is required");
                    continue;
                }
                if (!stageAt(at, stage)) {
                    continue;
                }
                Object subtypes = m.get("subtypes");
                rules.add(new MethodRule((String) cls, names, Boolean.TRUE.equals(subtypes),
                        m.get("model") == null ? null : String.valueOf(m.get("model")), String.valueOf(stage),
                        m.get("event") == null ? null : String.valueOf(m.get("event"))));
            }
            return List.copyOf(rules);
        }
    }
}
