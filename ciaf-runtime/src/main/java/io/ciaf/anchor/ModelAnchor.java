package io.ciaf.anchor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.jar.JarFile;

import io.ciaf.api.internal.CanonicalJson;
import io.ciaf.api.internal.JsonValues;
import io.ciaf.ledger.AppendReceipt;
import io.ciaf.ledger.AuditLedger;
import io.ciaf.ledger.MerkleTreeFile;

/**
 * What a trained model was, provably (ledger type MODEL): name, version, the architecture and
 * hyperparameters with their digests, the parameters root, the training environment and its digest, the
 * dataset anchors it was authorized to learn from, the trainer's git commit, and the model hash over all of
 * these.
 *
 * <p>Definitions: a digest is SHA-256 of canonical JSON. The parameters root is the RFC 6962 root whose leaf
 * data are the SHA-256 of each parameter array as big-endian IEEE 754 doubles, in order, or of each 1 MiB
 * chunk of the saved model file. {@code model_hash} is SHA-256 of the canonical JSON of every other member
 * (without the ledger's {@code nonce} and {@code idempotency_key}).
 */
public final class ModelAnchor {

    public static final String TYPE = "MODEL";
    private static final int CHUNK = 1 << 20;

    private final Map<String, Object> members;
    private final String modelHash;

    private ModelAnchor(Map<String, Object> members) {
        this.members = Collections.unmodifiableMap(members);
        this.modelHash = Payloads.digest(members);
    }

    public String name() {
        return (String) members.get("model_name");
    }

    public String version() {
        return (String) members.get("model_version");
    }

    /** Hex SHA-256 over every other member: the identity receipts and reports refer to. */
    public String modelHash() {
        return modelHash;
    }

    public String parametersRoot() {
        return (String) members.get("parameters_root");
    }

    /** The ledger payload: the members plus {@code model_hash}. */
    public Map<String, Object> toPayload() {
        Map<String, Object> p = new TreeMap<>(members);
        p.put("model_hash", modelHash);
        return p;
    }

    /** Appends this anchor to the ledger (idempotency key {@code model:<hash>}). */
    public AppendReceipt appendTo(AuditLedger ledger) {
        return ledger.append(TYPE, toPayload(), "model:" + modelHash);
    }

    /**
     * Recomputes a stored payload's digests: {@code model_hash} over the members, and the architecture,
     * hyperparameter and environment digests over the values stored beside them.
     *
     * @return the names of the digests that do not match (empty when all do)
     */
    public static List<String> check(Map<?, ?> payload) {
        Map<String, Object> m = Payloads.members(payload, "model_hash");
        Object claimed = payload.get("model_hash");
        List<String> wrong = new ArrayList<>();
        if (!(claimed instanceof String) || !CanonicalJson.sameDigest((String) claimed, Payloads.digest(m))) {
            wrong.add("model_hash");
        }
        for (String part : List.of("architecture", "hyperparameters", "environment")) {
            Object stored = m.get(part + "_digest");
            if (m.containsKey(part) && (!(stored instanceof String)
                    || !CanonicalJson.sameDigest((String) stored, Payloads.digest(m.get(part))))) {
                wrong.add(part + "_digest");
            }
        }
        return wrong;
    }

    /** The SHA-256 of a parameter array as big-endian IEEE 754 doubles. */
    public static byte[] parameterHash(double[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Double.BYTES);
        for (double v : values) {
            b.putDouble(v);
        }
        return CanonicalJson.sha256(b.array());
    }

    public static Builder builder(String name, String version) {
        return new Builder(name, version);
    }

    /** The JDK, OS, CPU architecture and the jars on the class path (name and size), as recorded by default. */
    public static Map<String, Object> currentEnvironment() {
        Map<String, Object> env = new TreeMap<>();
        env.put("java_version", System.getProperty("java.version"));
        env.put("java_vendor", System.getProperty("java.vendor"));
        env.put("os_name", System.getProperty("os.name"));
        env.put("os_version", System.getProperty("os.version"));
        env.put("os_arch", System.getProperty("os.arch"));
        List<String> deps = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path", "").split(java.io.File.pathSeparator)) {
            if (entry.endsWith(".jar")) {
                deps.add(jarName(Path.of(entry)));
            }
        }
        Collections.sort(deps);
        env.put("dependencies", deps);
        return env;
    }

    private static String jarName(Path jar) {
        String name = jar.getFileName().toString();
        try (JarFile f = new JarFile(jar.toFile())) {
            String version = f.getManifest() == null ? null
                    : f.getManifest().getMainAttributes().getValue("Implementation-Version");
            return version == null ? name : name + " (" + version + ")";
        } catch (IOException e) {
            return name;
        }
    }

    /**
     * The commit checked out in the git work tree containing {@code dir}, read from {@code .git} without
     * running git; null outside a git work tree.
     */
    public static String gitCommit(Path dir) {
        for (Path d = dir.toAbsolutePath(); d != null; d = d.getParent()) {
            Path git = d.resolve(".git");
            if (Files.isDirectory(git)) {
                try {
                    String head = Files.readString(git.resolve("HEAD")).trim();
                    if (!head.startsWith("ref: ")) {
                        return head;
                    }
                    String ref = head.substring(5);
                    Path loose = git.resolve(ref);
                    if (Files.isRegularFile(loose)) {
                        return Files.readString(loose).trim();
                    }
                    Path packed = git.resolve("packed-refs");
                    if (Files.isRegularFile(packed)) {
                        for (String line : Files.readAllLines(packed)) {
                            if (line.endsWith(" " + ref)) {
                                return line.substring(0, line.indexOf(' '));
                            }
                        }
                    }
                    return null;
                } catch (IOException e) {
                    return null;
                }
            }
        }
        return null;
    }

    public static final class Builder {

        private final Map<String, Object> m = new TreeMap<>();
        private final List<byte[]> parameterLeaves = new ArrayList<>();
        private String parametersSource;
        private final List<String> datasets = new ArrayList<>();

        private Builder(String name, String version) {
            m.put("model_name", Objects.requireNonNull(name, "name"));
            m.put("model_version", Objects.requireNonNull(version, "version"));
            m.put("environment", currentEnvironment());
            String commit = gitCommit(Path.of(""));
            if (commit != null) {
                m.put("trainer_commit", commit);
            }
        }

        /** A JSON-compatible description of the architecture (layers, kind, feature count, …). */
        public Builder architecture(Object description) {
            m.put("architecture", JsonValues.normalize(description, "architecture"));
            return this;
        }

        public Builder hyperparameters(Map<String, ?> values) {
            m.put("hyperparameters", JsonValues.normalize(values, "hyperparameters"));
            return this;
        }

        /** Adds a parameter array (weights, biases, coefficients), in order. */
        public Builder parameters(double[] values) {
            parametersSource = "arrays";
            parameterLeaves.add(parameterHash(values));
            return this;
        }

        /** The parameters are the saved model file, hashed in 1 MiB chunks. */
        public Builder parametersFile(Path file) {
            parametersSource = "file";
            try (InputStream in = Files.newInputStream(file)) {
                byte[] chunk;
                while ((chunk = in.readNBytes(CHUNK)).length > 0) {
                    parameterLeaves.add(CanonicalJson.sha256(chunk));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the model file " + file + ": " + e.getMessage(), e);
            }
            return this;
        }

        /** Replaces the recorded environment (by default {@link #currentEnvironment()}). */
        public Builder environment(Map<String, ?> environment) {
            m.put("environment", JsonValues.normalize(environment, "environment"));
            return this;
        }

        /** A dataset the model was authorized to learn from. */
        public Builder authorizedDataset(DatasetAnchor dataset) {
            datasets.add(dataset.datasetHash());
            return this;
        }

        /** Sets the trainer commit (by default read from the git work tree of the working directory). */
        public Builder trainerCommit(String commit) {
            m.put("trainer_commit", commit);
            return this;
        }

        public ModelAnchor build() {
            Map<String, Object> out = new TreeMap<>(m);
            for (String part : List.of("architecture", "hyperparameters", "environment")) {
                if (out.containsKey(part)) {
                    out.put(part + "_digest", Payloads.digest(out.get(part)));
                }
            }
            out.put("parameters_root", CanonicalJson.hex(MerkleTreeFile.root(parameterLeaves)));
            out.put("parameters_count", parameterLeaves.size());
            if (parametersSource != null) {
                out.put("parameters_source", parametersSource);
            }
            out.put("authorized_datasets", new ArrayList<>(datasets));
            return new ModelAnchor(out);
        }
    }
}
