package io.ciaf.anchor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import io.ciaf.api.internal.CanonicalJson;
import io.ciaf.api.internal.JsonValues;
import io.ciaf.ledger.AppendReceipt;
import io.ciaf.ledger.AuditLedger;
import io.ciaf.ledger.MerkleTreeFile;
import io.ciaf.storage.internal.RecordJson;

/**
 * What a dataset (one split of it) was, provably: its id and split, sample count, columns and their
 * statistics computed while reading, the facts declared about it (privacy level, PII, known biases,
 * protected attributes, lineage, …), the RFC 6962 Merkle root over the SHA-256 of every sample, a digest of
 * the split assignment that anyone can reproduce from the seed and the sample ids, and the dataset hash over
 * all of these. Appended to the ledger as a DATASET entry.
 *
 * <p>A sample's bytes are the canonical JSON {@code {"id":<sample id>,"row":<row>}} (row: the CSV or ARFF
 * fields as strings, or the JSON Lines object); its leaf data is their SHA-256. A sample is assigned to
 * split s when u = the first 8 bytes of SHA-256(seed ‖ "\n" ‖ sample id), read as an unsigned number over
 * 2^64, falls in s's share of [0, 1), the splits taken in name order; the assignment digest is SHA-256 over
 * the lines {@code <sample id>\t<split>\n} of every sample read, in order.
 */
public final class DatasetAnchor {

    public static final String TYPE = "DATASET";

    private final Map<String, Object> members;
    private final String datasetHash;

    private DatasetAnchor(Map<String, Object> members) {
        this.members = Collections.unmodifiableMap(members);
        this.datasetHash = Payloads.digest(members);
    }

    public String datasetId() {
        return (String) members.get("dataset_id");
    }

    public String split() {
        return (String) members.get("split");
    }

    public long samples() {
        return ((Number) members.get("samples")).longValue();
    }

    /** Hex RFC 6962 root over the samples' SHA-256 hashes. */
    public String merkleRoot() {
        return (String) members.get("merkle_root");
    }

    /** Hex SHA-256 of the canonical JSON of every other member. */
    public String datasetHash() {
        return datasetHash;
    }

    /** The ledger payload: the members plus {@code dataset_hash}. */
    public Map<String, Object> toPayload() {
        Map<String, Object> p = new TreeMap<>(members);
        p.put("dataset_hash", datasetHash);
        return p;
    }

    /** Appends this anchor to the ledger (idempotency key {@code dataset:<hash>}). */
    public AppendReceipt appendTo(AuditLedger ledger) {
        return ledger.append(TYPE, toPayload(), "dataset:" + datasetHash);
    }

    /**
     * Recomputes the dataset hash of a stored payload (ignoring what the ledger adds: {@code nonce} and
     * {@code idempotency_key}).
     *
     * @return whether it equals the payload's {@code dataset_hash}
     */
    public static boolean hashMatches(Map<?, ?> payload) {
        Object claimed = payload.get("dataset_hash");
        return claimed instanceof String
                && CanonicalJson.sameDigest((String) claimed, Payloads.digest(Payloads.members(payload, "dataset_hash")));
    }

    /** The SHA-256 of one sample, as the tree's leaf data. */
    public static byte[] sampleHash(String sampleId, Object row) {
        StringBuilder out = new StringBuilder(128);
        writeSample(sampleId, row, out);
        return CanonicalJson.sha256(out.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Writes a sample's bytes, as text, into {@code out} (emptied first); string rows are written directly. */
    private static void writeSample(String sampleId, Object row, StringBuilder out) {
        out.setLength(0);
        out.append("{\"id\":");
        CanonicalJson.writeString(sampleId, out);
        out.append(",\"row\":");
        if (row instanceof List<?> fields && allStrings(fields)) {
            out.append('[');
            for (int i = 0; i < fields.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                CanonicalJson.writeString((String) fields.get(i), out);
            }
            out.append(']');
        } else {
            CanonicalJson.write(JsonValues.normalize(row, "row"), out);
        }
        out.append('}');
    }

    private static boolean allStrings(List<?> fields) {
        for (Object f : fields) {
            if (!(f instanceof String)) {
                return false;
            }
        }
        return true;
    }

    /** The split a sample goes to under {@code seed} and {@code fractions} (see the class comment). */
    public static String assign(String seed, String sampleId, Map<String, Double> fractions) {
        byte[] h = CanonicalJson.sha256((seed + "\n" + sampleId).getBytes(StandardCharsets.UTF_8));
        long bits = 0;
        for (int i = 0; i < 8; i++) {
            bits = (bits << 8) | (h[i] & 0xFF);
        }
        double u = (bits >>> 11) * 0x1.0p-53;
        double cumulative = 0;
        String last = null;
        for (Map.Entry<String, Double> f : new TreeMap<>(fractions).entrySet()) {
            cumulative += f.getValue();
            last = f.getKey();
            if (u < cumulative) {
                return last;
            }
        }
        return last;
    }

    public static Builder builder(String datasetId, String split) {
        return new Builder(datasetId, split);
    }

    /** Reads samples by streaming; nothing but running statistics and the tree's edge is held in memory. */
    public static final class Builder {

        private final String datasetId;
        private final String split;
        private final Map<String, Object> declared = new TreeMap<>();
        private List<String> columns;
        private Column[] stats;
        private String seed;
        private Map<String, Double> fractions;
        private MessageDigest assignment;
        private MerkleTreeFile.Builder tree;
        private long read;
        private long skipped;
        private final StringBuilder sampleText = new StringBuilder(256);
        private final MessageDigest sampleDigest = newSha256();
        /** 64-bit hashes of the rows seen (ids left out), for the duplicate count; null when not counting. */
        private long[] rowHashes;
        private int rowHashCount;
        private long duplicates;

        private Builder(String datasetId, String split) {
            this.datasetId = Objects.requireNonNull(datasetId, "datasetId");
            this.split = Objects.requireNonNull(split, "split");
        }

        /**
         * A declared fact about the dataset, kept as given: e.g. {@code privacy_level}, {@code contains_pii},
         * {@code known_biases}, {@code protected_attributes}, {@code lineage}, {@code coverage}, {@code quality}.
         */
        public Builder declare(String key, Object value) {
            declared.put(key, JsonValues.normalize(value, "metadata." + key));
            return this;
        }

        /**
         * Assigns samples to splits reproducibly; only the samples of this anchor's split go into its tree.
         *
         * @param fractions share of each split, summing to 1 (e.g. train 0.8, test 0.2)
         */
        public Builder splits(String seed, Map<String, Double> fractions) {
            double sum = fractions.values().stream().mapToDouble(Double::doubleValue).sum();
            if (Math.abs(sum - 1.0) > 1e-9 || !fractions.containsKey(split)) {
                throw new IllegalArgumentException("split fractions must sum to 1 and include '" + split + "'; got "
                        + fractions);
            }
            this.seed = Objects.requireNonNull(seed, "seed");
            this.fractions = new TreeMap<>(fractions);
            this.assignment = newSha256();
            return this;
        }

        /**
         * Also counts duplicate rows (equal values, whatever their ids) into {@code duplicates}. It keeps 16 bytes
         * per sample in memory and costs about a fifth more time at a million rows (docs/PERFORMANCE.md).
         */
        public Builder countDuplicates() {
            this.rowHashes = new long[1 << 12];
            return this;
        }

        /** Names the columns of the rows that {@link #addRow} will get. */
        public Builder columns(List<String> names) {
            this.columns = List.copyOf(names);
            this.stats = new Column[names.size()];
            for (int i = 0; i < stats.length; i++) {
                stats[i] = new Column();
            }
            return this;
        }

        /** Adds one sample whose row is a list of field strings (CSV, ARFF). */
        public Builder addRow(String sampleId, List<String> fields) {
            if (columns != null && fields.size() != columns.size()) {
                throw new IllegalArgumentException("sample " + sampleId + " has " + fields.size() + " fields; the"
                        + " header names " + columns.size());
            }
            if (!assigned(sampleId)) {
                return this;
            }
            if (stats != null) {
                for (int i = 0; i < fields.size(); i++) {
                    stats[i].add(fields.get(i));
                }
            }
            leaf(hashSample(sampleId, fields));
            countDuplicate();
            return this;
        }

        /** Adds one sample whose row is any JSON-compatible value (a JSON Lines object, say). */
        public Builder addSample(String sampleId, Object row) {
            if (assigned(sampleId)) {
                leaf(hashSample(sampleId, row));
                countDuplicate();
            }
            return this;
        }

        private byte[] bytes = new byte[512];
        private long rowHash;

        /**
         * The sample's SHA-256 ({@link DatasetAnchor#sampleHash}), and in the same pass over its text the 64-bit
         * FNV-1a hash of its row (id left out) for the duplicate count; ASCII text is encoded without copies.
         */
        private byte[] hashSample(String sampleId, Object row) {
            writeSample(sampleId, row, sampleText);
            int n = sampleText.length();
            int rowStart = sampleText.indexOf(",\"row\":");
            if (bytes.length < n) {
                bytes = new byte[Math.max(n, bytes.length * 2)];
            }
            long h = 0xcbf29ce484222325L;
            for (int i = 0; i < n; i++) {
                char c = sampleText.charAt(i);
                if (c >= 0x80) {
                    byte[] utf8 = sampleText.toString().getBytes(StandardCharsets.UTF_8);
                    rowHash = fnv(sampleText, rowStart);
                    return sampleDigest.digest(utf8);
                }
                bytes[i] = (byte) c;
                if (i >= rowStart) {
                    h = (h ^ c) * 0x100000001b3L;
                }
            }
            rowHash = h;
            sampleDigest.update(bytes, 0, n);
            return sampleDigest.digest();
        }

        private static long fnv(CharSequence text, int from) {
            long h = 0xcbf29ce484222325L;
            for (int i = from; i < text.length(); i++) {
                h = (h ^ text.charAt(i)) * 0x100000001b3L;
            }
            return h;
        }

        /**
         * Counts the sample just hashed as a duplicate when a sample with the same row (whatever its id) came
         * before, by its 64-bit row hash in an open-addressing table of longs (16 bytes a sample). A collision
         * between different rows is possible but negligible at these sizes.
         */
        private void countDuplicate() {
            if (rowHashes == null) {
                return;
            }
            long h = rowHash == 0 ? 1 : rowHash;
            if ((rowHashCount + 1) * 2 > rowHashes.length) {
                long[] old = rowHashes;
                rowHashes = new long[old.length * 2];
                rowHashCount = 0;
                for (long x : old) {
                    if (x != 0) {
                        insert(x);
                    }
                }
            }
            if (!insert(h)) {
                duplicates++;
            }
        }

        /** Adds {@code h} to the table; false if it was there. */
        private boolean insert(long h) {
            int mask = rowHashes.length - 1;
            // Fibonacci hashing: FNV's low bits cluster for rows that differ only in their last characters.
            int i = (int) ((h * 0x9E3779B97F4A7C15L) >>> (64 - Integer.numberOfTrailingZeros(rowHashes.length)));
            while (rowHashes[i] != 0) {
                if (rowHashes[i] == h) {
                    return false;
                }
                i = (i + 1) & mask;
            }
            rowHashes[i] = h;
            rowHashCount++;
            return true;
        }

        private boolean assigned(String sampleId) {
            read++;
            if (seed == null) {
                return true;
            }
            String s = assign(seed, sampleId, fractions);
            assignment.update((sampleId + "\t" + s + "\n").getBytes(StandardCharsets.UTF_8));
            if (!s.equals(split)) {
                skipped++;
                return false;
            }
            return true;
        }

        private void leaf(byte[] hash) {
            if (tree == null) {
                throw new IllegalStateException("call build(treeFile) only after streaming: start with"
                        + " into(treeFile)");
            }
            tree.add(hash);
        }

        /** Where the sample tree is written (e.g. {@code <home>/datasets/<id>-<split>.tree}); call before adding. */
        public Builder into(Path treeFile) {
            this.tree = MerkleTreeFile.create(treeFile);
            return this;
        }

        /** Reads CSV with a header line; sample ids from {@code idColumn}, or the line number when null. */
        public Builder readCsv(Reader in, String idColumn) {
            try (BufferedReader r = new BufferedReader(in, 1 << 16)) {
                String header = r.readLine();
                if (header == null) {
                    throw new IllegalArgumentException("the CSV has no header line");
                }
                List<String> names = Csv.split(header, 1);
                columns(names);
                int id = idColumn == null ? -1 : names.indexOf(idColumn);
                if (idColumn != null && id < 0) {
                    throw new IllegalArgumentException("id column '" + idColumn + "' is not in the header " + names);
                }
                String line;
                long n = 1;
                while ((line = r.readLine()) != null) {
                    n++;
                    if (line.isEmpty()) {
                        continue;
                    }
                    List<String> fields = Csv.split(line, n);
                    addRow(id < 0 ? Long.toString(n - 1) : fields.get(id), fields);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the CSV: " + e.getMessage(), e);
            }
            return this;
        }

        /** Reads ARFF ({@code @attribute} lines, then {@code @data}); sample ids are the data line numbers. */
        public Builder readArff(Reader in) {
            try (BufferedReader r = new BufferedReader(in, 1 << 16)) {
                List<String> names = new ArrayList<>();
                Map<String, String> types = new LinkedHashMap<>();
                String line;
                long n = 0;
                boolean data = false;
                long sample = 0;
                while ((line = r.readLine()) != null) {
                    n++;
                    String t = line.trim();
                    if (t.isEmpty() || t.startsWith("%")) {
                        continue;
                    }
                    if (!data) {
                        String lower = t.toLowerCase(java.util.Locale.ROOT);
                        if (lower.startsWith("@attribute")) {
                            List<String> parts = Arff.attribute(t, n);
                            names.add(parts.get(0));
                            types.put(parts.get(0), parts.get(1));
                        } else if (lower.startsWith("@data")) {
                            data = true;
                            columns(names);
                            declared.putIfAbsent("feature_types", types);
                        }
                        continue;
                    }
                    sample++;
                    addRow(Long.toString(sample), Csv.split(t, n));
                }
                if (!data) {
                    throw new IllegalArgumentException("the ARFF file has no @data section");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the ARFF file: " + e.getMessage(), e);
            }
            return this;
        }

        /** Reads JSON Lines (one object per line); sample ids from {@code idField}, or the line number when null. */
        public Builder readJsonLines(Reader in, String idField) {
            try (BufferedReader r = new BufferedReader(in, 1 << 16)) {
                String line;
                long n = 0;
                while ((line = r.readLine()) != null) {
                    n++;
                    if (line.isBlank()) {
                        continue;
                    }
                    Map<?, ?> row;
                    try {
                        row = RecordJson.MAPPER.readValue(line, Map.class);
                    } catch (IOException e) {
                        throw new IllegalArgumentException("line " + n + " of the JSON Lines is not a JSON object: "
                                + e.getMessage());
                    }
                    Object id = idField == null ? null : row.get(idField);
                    if (idField != null && id == null) {
                        throw new IllegalArgumentException("line " + n + " has no id field '" + idField + "'");
                    }
                    addSample(id == null ? Long.toString(n) : String.valueOf(id), row);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the JSON Lines: " + e.getMessage(), e);
            }
            return this;
        }

        /** Finishes the tree file and the anchor. */
        public DatasetAnchor build() {
            if (tree == null) {
                throw new IllegalStateException("no tree file: call into(treeFile) before adding samples");
            }
            Map<String, Object> m = new TreeMap<>();
            m.put("dataset_id", datasetId);
            m.put("split", split);
            try (MerkleTreeFile t = tree.finish()) {
                m.put("samples", t.size());
                m.put("merkle_root", CanonicalJson.hex(t.root()));
            }
            m.put("samples_read", read);
            if (rowHashes != null) {
                m.put("duplicates", duplicates);
            }
            if (seed != null) {
                m.put("split_seed", seed);
                m.put("split_fractions", fractions);
                m.put("split_assignment_digest", CanonicalJson.hex(assignment.digest()));
                m.put("samples_in_other_splits", skipped);
            }
            if (columns != null) {
                m.put("features", columns);
                Map<String, Object> perColumn = new TreeMap<>();
                long missing = 0;
                for (int i = 0; i < columns.size(); i++) {
                    perColumn.put(columns.get(i), stats[i].summary());
                    missing += stats[i].missing;
                }
                m.put("statistics", perColumn);
                m.put("missing_values", missing);
            }
            m.put("metadata", declared);
            return new DatasetAnchor(m);
        }
    }

    /** Running statistics of one column: missing values, and min/max/mean while every value is numeric. */
    static final class Column {
        long count;
        long missing;
        long numeric;
        boolean allNumeric = true;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum;

        void add(String v) {
            count++;
            if (v == null || v.isEmpty() || v.equals("?") || v.equalsIgnoreCase("NA")) {
                missing++;
                return;
            }
            if (!allNumeric) {
                return;
            }
            double d;
            try {
                d = parse(v);
            } catch (NumberFormatException e) {
                allNumeric = false;
                return;
            }
            numeric++;
            min = Math.min(min, d);
            max = Math.max(max, d);
            sum += d;
        }

        /**
         * {@link Double#parseDouble}, with a fast path for integers of up to 18 digits: converting the long is
         * rounded exactly as parsing the text is, and most columns of real data are integers.
         */
        static double parse(String v) {
            int n = v.length();
            int i = v.charAt(0) == '-' ? 1 : 0;
            if (n - i == 0 || n - i > 18) {
                return Double.parseDouble(v);
            }
            long x = 0;
            for (int k = i; k < n; k++) {
                char c = v.charAt(k);
                if (c < '0' || c > '9') {
                    return Double.parseDouble(v);
                }
                x = x * 10 + (c - '0');
            }
            return i == 1 ? (x == 0 ? -0.0 : -(double) x) : (double) x;
        }

        Map<String, Object> summary() {
            Map<String, Object> s = new TreeMap<>();
            s.put("count", count);
            s.put("missing", missing);
            s.put("type", allNumeric && numeric > 0 ? "numeric" : "nominal");
            if (allNumeric && numeric > 0) {
                s.put("min", min);
                s.put("max", max);
                s.put("mean", sum / numeric);
            }
            return s;
        }
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }
}
