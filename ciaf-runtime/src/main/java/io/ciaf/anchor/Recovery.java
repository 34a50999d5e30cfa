package io.ciaf.anchor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import io.ciaf.ledger.AuditLedger;
import io.ciaf.ledger.Checkpoint;
import io.ciaf.ledger.InclusionProof;
import io.ciaf.ledger.LedgerEntry;
import io.ciaf.ledger.LedgerTamperedException;
import io.ciaf.ledger.MerkleTreeFile;
import io.ciaf.ledger.VerificationException;
import io.ciaf.ledger.VerificationReport;

/**
 * Recovers a model's whole history from the ledger alone, and recomputes everything that can be recomputed
 * rather than trusting it: the ledger chain, the model anchor's digests, each dataset anchor's hash and (where
 * its tree file is in {@code <home>/datasets}) its Merkle root and sample proofs, the inference receipt chain,
 * and the ledger inclusion proof of every anchor against the latest signed checkpoint.
 */
public final class Recovery {

    /** Where dataset tree files are looked for, under the home. */
    public static final String DATASETS_DIR = "datasets";

    private final AuditLedger ledger;

    public Recovery(AuditLedger ledger) {
        this.ledger = ledger;
    }

    /**
     * The recovery report of {@code model} (its latest anchor, or the one of {@code version}), as a JSON-ready
     * map whose {@code intact} member says whether every check passed.
     *
     * @throws IllegalArgumentException if the ledger has no anchor of that model (the models it has are named)
     */
    public Map<String, Object> recoverModel(String model, String version) {
        Map<String, Object> integrity = new LinkedHashMap<>();
        integrity.put("ledger_chain", ledgerChain());

        // One pass over the ledger: anchors, datasets, receipts and the model's audit trail.
        LedgerEntry[] anchor = new LedgerEntry[1];
        Map<String, LedgerEntry> datasets = new LinkedHashMap<>();
        Map<String, Long> byStage = new TreeMap<>();
        long[] records = {0};
        String[] first = {null};
        String[] last = {null};
        List<String> models = new ArrayList<>();
        String modelMember = Payloads.modelMember(model);
        ledger.scan(0, ledger.size() - 1, e -> {
            String type = e.type();
            if (e.payload().isEmpty()) {
                return;
            }
            String text = e.payload().get();
            if (ModelAnchor.TYPE.equals(type)) {
                Map<?, ?> p = e.payloadFields();
                String name = String.valueOf(p.get("model_name"));
                if (!models.contains(name)) {
                    models.add(name);
                }
                if (name.equals(model) && (version == null || version.equals(p.get("model_version")))) {
                    anchor[0] = e;
                }
            } else if (DatasetAnchor.TYPE.equals(type)) {
                Object h = e.payloadFields().get("dataset_hash");
                if (h instanceof String hash) {
                    datasets.putIfAbsent(hash, e);
                }
            } else if ("METADATA".equals(type) && text.contains(modelMember)) {
                Map<?, ?> p = e.payloadFields();
                records[0]++;
                byStage.merge(String.valueOf(p.get("stage")), 1L, Long::sum);
                String ts = String.valueOf(p.get("timestamp"));
                first[0] = first[0] == null ? ts : first[0];
                last[0] = ts;
            }
        });
        if (anchor[0] == null) {
            throw new IllegalArgumentException("the ledger has no MODEL anchor of '" + model + "'"
                    + (version == null ? "" : " version " + version) + "; models anchored: " + models);
        }
        Map<?, ?> anchorPayload = anchor[0].payloadFields();
        List<String> wrongDigests = ModelAnchor.check(anchorPayload);
        integrity.put("model_anchor", result(wrongDigests.isEmpty(), wrongDigests.isEmpty() ? null
                : "digests that do not match: " + wrongDigests));

        List<Object> datasetReports = new ArrayList<>();
        List<String> wrongDatasets = new ArrayList<>();
        List<String> merkleProblems = new ArrayList<>();
        List<Long> anchorPositions = new ArrayList<>(List.of(anchor[0].position()));
        int proofsChecked = 0;
        if (anchorPayload.get("authorized_datasets") instanceof List<?> authorized) {
            for (Object h : authorized) {
                String hash = String.valueOf(h);
                LedgerEntry d = datasets.get(hash);
                Map<String, Object> report = new LinkedHashMap<>();
                report.put("dataset_hash", hash);
                if (d == null) {
                    wrongDatasets.add(hash + " (no DATASET anchor in the ledger)");
                    datasetReports.add(report);
                    continue;
                }
                anchorPositions.add(d.position());
                Map<?, ?> p = d.payloadFields();
                report.put("position", d.position());
                for (String k : List.of("dataset_id", "split", "samples", "merkle_root", "split_seed",
                        "split_assignment_digest", "features", "statistics", "missing_values", "metadata")) {
                    if (p.containsKey(k)) {
                        report.put(k, p.get(k));
                    }
                }
                if (!DatasetAnchor.hashMatches(p)) {
                    wrongDatasets.add(hash + " (dataset_hash does not match its members)");
                }
                Path tree = treeFor(p);
                report.put("tree_file", tree == null ? null : tree.toString());
                if (tree != null) {
                    proofsChecked += checkSamples(tree, p, merkleProblems);
                }
                datasetReports.add(report);
            }
        }
        integrity.put("dataset_anchors", result(wrongDatasets.isEmpty(), wrongDatasets.isEmpty() ? null
                : String.join("; ", wrongDatasets)));

        InferenceReceipts.ChainCheck chain = InferenceReceipts.verifyChain(ledger, model);
        integrity.put("inference_chain", result(chain.intact(), chain.intact() ? null
                : "receipt at position " + chain.brokenAt() + ": " + chain.reason()));

        proofsChecked += checkLedgerProofs(anchorPositions, merkleProblems);
        Map<String, Object> proofs = result(merkleProblems.isEmpty(), merkleProblems.isEmpty() ? null
                : String.join("; ", merkleProblems));
        proofs.put("checked", proofsChecked);
        integrity.put("merkle_proofs", proofs);

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", model);
        out.put("version", anchorPayload.get("model_version"));
        Map<String, Object> anchorReport = new LinkedHashMap<>();
        anchorReport.put("position", anchor[0].position());
        anchorReport.put("recorded", Instant.ofEpochSecond(0, anchor[0].timestamp()).toString());
        anchorReport.put("payload", anchorPayload);
        out.put("model_anchor", anchorReport);
        out.put("datasets", datasetReports);
        out.put("environment", anchorPayload.get("environment"));
        Map<String, Object> inference = new LinkedHashMap<>();
        inference.put("receipts", chain.receipts());
        inference.put("erased_receipts_met", chain.erased());
        out.put("inference_history", inference);
        Map<String, Object> trail = new LinkedHashMap<>();
        trail.put("records", records[0]);
        trail.put("by_stage", byStage);
        trail.put("first", first[0]);
        trail.put("last", last[0]);
        out.put("audit_trail", trail);
        out.put("integrity", integrity);
        boolean intact = integrity.values().stream().allMatch(v -> Boolean.TRUE.equals(((Map<?, ?>) v).get("ok")));
        out.put("intact", intact);
        return out;
    }

    private Map<String, Object> ledgerChain() {
        try {
            VerificationReport r = ledger.verify();
            Map<String, Object> m = result(true, null);
            m.put("size", r.size());
            m.put("root", HexFormat.of().formatHex(r.root()));
            return m;
        } catch (LedgerTamperedException e) {
            return result(false, e.getMessage());
        }
    }

    /** The first, middle and last samples' proofs from the tree file must reach the anchor's root. */
    private static int checkSamples(Path tree, Map<?, ?> anchor, List<String> problems) {
        try (MerkleTreeFile t = MerkleTreeFile.open(tree)) {
            long n = t.size();
            String root = HexFormat.of().formatHex(t.root());
            if (!root.equals(anchor.get("merkle_root"))) {
                problems.add(tree + " has root " + root + " but the anchor of dataset " + anchor.get("dataset_id")
                        + " says " + anchor.get("merkle_root") + ": the samples changed since it was anchored");
                return 0;
            }
            if (!(anchor.get("samples") instanceof Number s) || s.longValue() != n) {
                problems.add(tree + " has " + n + " samples, the anchor says " + anchor.get("samples"));
                return 0;
            }
            int checked = 0;
            for (long i : n == 0 ? new long[0] : new long[] {0, n / 2, n - 1}) {
                InclusionProof p = t.proveInclusion(i);
                try {
                    p.verify();
                } catch (VerificationException e) {
                    problems.add("sample " + i + " of " + tree + ": " + e.getMessage());
                }
                checked++;
            }
            return checked;
        } catch (RuntimeException e) {
            problems.add(tree + ": " + e.getMessage());
            return 0;
        }
    }

    /** Each anchor entry's inclusion in the tree of the latest signed checkpoint that covers it. */
    private int checkLedgerProofs(List<Long> positions, List<String> problems) {
        Checkpoint cp = ledger.latestCheckpoint().orElse(null);
        int checked = 0;
        for (long p : positions) {
            long size = cp != null && p < cp.size() ? cp.size() : ledger.size();
            try {
                InclusionProof proof = ledger.proveInclusion(p, size);
                proof.verify();
                if (cp != null && size == cp.size() && !java.security.MessageDigest.isEqual(proof.root(), cp.root())) {
                    problems.add("entry " + p + " is not in the tree signed by checkpoint " + cp.size());
                }
                checked++;
            } catch (RuntimeException e) {
                problems.add("entry " + p + ": " + e.getMessage());
            }
        }
        return checked;
    }

    /**
     * Checks one dataset anchor (the latest of {@code datasetId}): its hash, its tree file's root and sample
     * proofs when the file is in {@code <home>/datasets}, and its inclusion in the latest signed checkpoint.
     */
    public Map<String, Object> verifyDatasetAnchor(String datasetId) {
        List<LedgerEntry> found = ledger.findAll(DatasetAnchor.TYPE, "dataset_id", datasetId);
        if (found.isEmpty()) {
            throw new IllegalArgumentException("the ledger has no DATASET anchor of '" + datasetId + "'");
        }
        LedgerEntry e = found.get(found.size() - 1);
        Map<?, ?> p = e.payloadFields();
        Map<String, Object> integrity = new LinkedHashMap<>();
        integrity.put("dataset_anchor", result(DatasetAnchor.hashMatches(p), DatasetAnchor.hashMatches(p) ? null
                : "dataset_hash does not match its members"));
        List<String> problems = new ArrayList<>();
        int checked = checkLedgerProofs(List.of(e.position()), problems);
        Path tree = treeFor(p);
        if (tree != null) {
            checked += checkSamples(tree, p, problems);
        }
        Map<String, Object> proofs = result(problems.isEmpty(), problems.isEmpty() ? null : String.join("; ", problems));
        proofs.put("checked", checked);
        proofs.put("tree_file", tree == null ? null : tree.toString());
        integrity.put("merkle_proofs", proofs);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("dataset_id", datasetId);
        out.put("position", e.position());
        out.put("integrity", integrity);
        out.put("intact", integrity.values().stream().allMatch(v -> Boolean.TRUE.equals(((Map<?, ?>) v).get("ok"))));
        return out;
    }

    /** Where a dataset's tree file goes by convention: {@code <home>/datasets/<dataset id>-<split>.tree}. */
    public static Path treeFile(Path home, String datasetId, String split) {
        String name = (datasetId + "-" + split).replaceAll("[^A-Za-z0-9._-]", "_");
        return home.resolve(DATASETS_DIR).resolve(name + ".tree");
    }

    /**
     * Re-anchors a dataset's data as its anchor describes (same id, split and split seed) and compares: the
     * report names the first sample whose hash differs, found by comparing leaves with the stored tree file
     * when there is one.
     *
     * @param read streams the data into the builder (e.g. {@code b -> b.readCsv(reader, "id")})
     */
    public Map<String, Object> verifyDataset(String datasetId, String split,
            java.util.function.Consumer<DatasetAnchor.Builder> read) throws IOException {
        LedgerEntry entry = null;
        for (LedgerEntry e : ledger.findAll(DatasetAnchor.TYPE, "dataset_id", datasetId)) {
            Map<?, ?> p = e.payloadFields();
            if (split == null || split.equals(p.get("split"))) {
                entry = e;
            }
        }
        if (entry == null) {
            throw new IllegalArgumentException("the ledger has no DATASET anchor of '" + datasetId + "'"
                    + (split == null ? "" : " split " + split));
        }
        Map<?, ?> anchor = entry.payloadFields();
        Path tmp = Files.createTempDirectory("ciaf-verify-dataset");
        try {
            DatasetAnchor.Builder b = DatasetAnchor.builder(datasetId, String.valueOf(anchor.get("split")));
            if (anchor.get("split_seed") instanceof String seed && anchor.get("split_fractions") instanceof Map<?, ?> f) {
                Map<String, Double> fractions = new TreeMap<>();
                f.forEach((k, v) -> fractions.put(String.valueOf(k), ((Number) v).doubleValue()));
                b.splits(seed, fractions);
            }
            b.into(tmp.resolve("data.tree"));
            read.accept(b);
            DatasetAnchor again = b.build();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("dataset_id", datasetId);
            out.put("split", anchor.get("split"));
            out.put("position", entry.position());
            out.put("anchor_hash_ok", DatasetAnchor.hashMatches(anchor));
            out.put("anchored_root", anchor.get("merkle_root"));
            out.put("data_root", again.merkleRoot());
            out.put("anchored_samples", anchor.get("samples"));
            out.put("data_samples", again.samples());
            boolean same = again.merkleRoot().equals(anchor.get("merkle_root"));
            if (!same) {
                try (MerkleTreeFile now = MerkleTreeFile.open(tmp.resolve("data.tree"))) {
                    Path stored = treeFile(ledger.home(), datasetId, String.valueOf(anchor.get("split")));
                    if (Files.exists(stored)) {
                        try (MerkleTreeFile then = MerkleTreeFile.open(stored)) {
                            long n = Math.min(now.size(), then.size());
                            for (long i = 0; i < n; i++) {
                                if (!java.util.Arrays.equals(now.leafHash(i), then.leafHash(i))) {
                                    out.put("first_changed_sample", i);
                                    break;
                                }
                            }
                        }
                    }
                }
            }
            out.put("intact", same && Boolean.TRUE.equals(out.get("anchor_hash_ok")));
            return out;
        } finally {
            try (Stream<Path> s = Files.walk(tmp)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Tree files in {@code <home>/datasets}, by their hex root. */
    private Map<String, Path> treesByRoot;

    /**
     * A dataset anchor's tree file: the one at its conventional name, else any tree file in
     * {@code <home>/datasets} with the anchor's root; null when there is none.
     */
    private Path treeFor(Map<?, ?> anchor) {
        Path named = treeFile(ledger.home(), String.valueOf(anchor.get("dataset_id")), String.valueOf(anchor.get("split")));
        if (Files.exists(named)) {
            return named;
        }
        if (treesByRoot == null) {
            treesByRoot = treeFiles();
        }
        return treesByRoot.get(String.valueOf(anchor.get("merkle_root")));
    }

    private Map<String, Path> treeFiles() {
        Map<String, Path> out = new LinkedHashMap<>();
        Path dir = ledger.home().resolve(DATASETS_DIR);
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.filter(p -> p.toString().endsWith(".tree")).sorted().toList()) {
                try (MerkleTreeFile t = MerkleTreeFile.open(f)) {
                    out.putIfAbsent(HexFormat.of().formatHex(t.root()), f);
                } catch (RuntimeException e) {
                    // not a tree file, or a damaged one: its anchor then reports no tree file
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    private static Map<String, Object> result(boolean ok, String problem) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", ok);
        if (problem != null) {
            m.put("problem", problem);
        }
        return m;
    }
}
