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
        key("capture.max_string_length", "CIAF_CAPTURE_MAX_STRING_LENGTH", "256",
                "string arguments and results are cut to this many characters");
        key("capture.redact", "CIAF_CAPTURE_REDACT", "",
                "more parameter names never stored (besides names containing password, token, secret, key)");
        key("capture.methods", null, "[]",
                "third-party methods to capture: [{class, methods, subtypes, model, stage, event}] (ciaf.json only)");
        key("checkpoint.interval_seconds", "CIAF_CHECKPOINT_INTERVAL_SECONDS", "300",
                "seal a signed checkpoint this often while capturing (0: only at shutdown)");
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

    /** True when calls wait for their record to be durable by default. */
    /** Whether captured TRAINING-stage calls that return their parameters also get a model anchor. */
    public boolean modelAnchors() {
        return "on".equals(values.get("capture.model_anchors"));
    }

    /** How captured INFERENCE-stage calls commit to their arguments and result: off, hmac, salted or plaintext. */
    public String inferenceReceipts() {
        return (String) values.get("capture.inference_receipts");
    }

    public boolean syncByDefault() {
        return "sync".equals(values.get("capture.mode"));
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
            out.append(k.name()).append(" = ").append(v == null ? "(unset: " + k.description() + ")" : render(v))
                    .append("    [").append(source(k.name())).append("]\n");
        }
        return out.toString();
    }

    private static String render(Object v) {
        if (v instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof MethodRule) {
            return list.size() + " method rule(s)";
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
            String where = k.name() + " = " + v + " (" + sources.getOrDefault(k.name(), "default") + ")";
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
                    case "storage.backend": {
                        String b = String.valueOf(v);
                        if (!MetadataStorage.availableBackends().contains(b)) {
                            errors.add(where + ": unknown backend; use one of " + MetadataStorage.availableBackends()
                                    + hint(b, MetadataStorage.availableBackends()));
                            return "sqlite";
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
            Object parsed = v;
            if (v instanceof String s) {
                try {
                    parsed = RecordJson.MAPPER.readValue(s, Object.class);
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException(where + ": not a JSON list of method rules");
                }
            }
            if (!(parsed instanceof List<?> list)) {
                throw new IllegalArgumentException(where + ": must be a list of {class, methods, model, stage, event}");
            }
            List<MethodRule> rules = new ArrayList<>();
            List<String> fields = List.of("class", "methods", "subtypes", "model", "stage", "event");
            for (int i = 0; i < list.size(); i++) {
                String at = "capture.methods[" + i + "]";
                if (!(list.get(i) instanceof Map<?, ?> m)) {
                    errors.add(at + ": must be an object {class, methods, subtypes, model, stage, event}");
                    continue;
                }
                for (Object f : m.keySet()) {
                    if (!fields.contains(f)) {
                        errors.add(at + "." + f + " is not a method rule field" + hint(String.valueOf(f), fields));
                    }
                }
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
                if (!isStage(stage)) {
                    errors.add(at + ".stage: one of data_ingestion, preprocessing, training, validation, deployment,"
                            + " inference, monitoring, compliance is required");
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
