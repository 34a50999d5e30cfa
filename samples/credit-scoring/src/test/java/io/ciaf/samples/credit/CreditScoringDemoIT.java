package io.ciaf.samples.credit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ciaf.anchor.CommitmentKeys;
import io.ciaf.anchor.DatasetAnchor;
import io.ciaf.anchor.InferenceReceipt;
import io.ciaf.anchor.InferenceReceipts;
import io.ciaf.anchor.ModelAnchor;
import io.ciaf.ledger.AuditLedger;
import io.ciaf.ledger.VerificationReport;

/**
 * What {@code ./ciaf demo} runs: the sample jar in a real JVM with {@code -javaagent:ciaf-agent.jar} and the demo's
 * ciaf.json in a fresh home. Then everything it says is checked in the ledger it left.
 */
class CreditScoringDemoIT {

    static final Path TEMURIN_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");

    record Run(int exit, String out, String err) {
    }

    static Run demo(String java, Path home) throws IOException, InterruptedException {
        Files.createDirectories(home);
        Files.copy(Path.of(System.getProperty("demo.config")), home.resolve("ciaf.json"));
        ProcessBuilder pb = new ProcessBuilder(java, "-javaagent:" + System.getProperty("ciaf.agent.jar"),
                "-Dciaf.home=" + home, "-jar", System.getProperty("demo.jar"));
        pb.environment().keySet().removeIf(k -> k.startsWith("CIAF_"));
        Path out = home.resolveSibling(home.getFileName() + ".out");
        Path err = home.resolveSibling(home.getFileName() + ".err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("the demo did not finish in 120 s");
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void theDemoRecordsTheModelsWholeLifeAndEverythingItPrintsIsInAVerifiedLedger(@TempDir Path dir) throws Exception {
        Path home = dir.resolve("home");
        Run run = demo(Path.of(System.getProperty("java.home"), "bin", "java").toString(), home);
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err()).doesNotContain("[ciaf]");
        assertThat(run.out()).contains("decisions   1,000 with HMAC receipts", "→ drift detected",
                "third party KMeansPlusPlusClusterer.cluster (Apache Commons Math, not annotated): 1 call",
                "checkpoint  tree size", "report      " + home.resolve("compliance-report.html"));

        try (AuditLedger ledger = AuditLedger.open(home)) {
            VerificationReport verified = ledger.verify();
            assertThat(verified.full()).isTrue();
            assertThat(verified.checkpoint()).isPresent();

            Map<String, List<Map<String, Object>>> byType = new HashMap<>();
            ledger.scan(1, ledger.size() - 1, e -> byType.computeIfAbsent(e.type(), t -> new ArrayList<>())
                    .add(e.payloadFields()));
            Map<String, Integer> stages = new LinkedHashMap<>();
            List<Map<String, Object>> decisions = new ArrayList<>();
            Map<String, Object> kMeans = null;
            for (Map<String, Object> p : byType.get("METADATA")) {
                assertThat(p.get("model_name")).isEqualTo("credit-scoring");
                stages.merge((String) p.get("stage"), 1, Integer::sum);
                Map<?, ?> m = (Map<?, ?>) p.get("metadata");
                if ("inference".equals(p.get("stage"))) {
                    decisions.add(new LinkedHashMap<>(castMap(m)));
                }
                if ("segment_applicants".equals(p.get("event_type"))) {
                    kMeans = castMap(m);
                }
            }
            assertThat(stages).containsEntry("data_ingestion", 1).containsEntry("preprocessing", 2)
                    .containsEntry("training", 2).containsEntry("validation", 1).containsEntry("deployment", 1)
                    .containsEntry("inference", 1000).containsEntry("monitoring", 2);

            // the third-party method, captured from ciaf.json alone
            assertThat(kMeans).isNotNull();
            assertThat(kMeans.get("class")).isEqualTo("org.apache.commons.math3.ml.clustering.KMeansPlusPlusClusterer");
            assertThat(kMeans.get("method")).isEqualTo("cluster");

            // every denial carries 1 to 4 reasons and a notice time; every decision names both groups
            long denials = 0;
            for (Map<String, Object> d : decisions) {
                assertThat(d).containsKeys("favourable", "confidence", "sex", "age_group", "top_features");
                if (Boolean.FALSE.equals(d.get("favourable"))) {
                    denials++;
                    assertThat((List<?>) d.get("adverse_action_reasons")).hasSizeBetween(1, 4);
                    assertThat(d).containsKey("adverse_action_notice_at");
                }
            }
            assertThat(denials).isPositive();
            assertThat(run.out()).contains(String.format("%,d denied", denials));

            // anchors: the model anchor authorizes exactly the dataset anchor, and both hashes recompute
            assertThat(byType.get("DATASET")).hasSize(1);
            Map<String, Object> dataset = byType.get("DATASET").get(0);
            assertThat(DatasetAnchor.hashMatches(dataset)).isTrue();
            assertThat(((Number) dataset.get("samples")).intValue()).isEqualTo(733);
            assertThat(byType.get("MODEL")).hasSize(1);
            Map<String, Object> model = byType.get("MODEL").get(0);
            assertThat(ModelAnchor.check(model)).isEmpty();
            assertThat(model.toString()).contains((String) dataset.get("dataset_hash"));

            // 1,000 HMAC receipts in one intact chain; the first opens with the application it was made for
            assertThat(byType.get("INFERENCE")).hasSize(1000);
            InferenceReceipts.ChainCheck chain = InferenceReceipts.verifyChain(ledger, "credit-scoring");
            assertThat(chain.intact()).as(chain.reason()).isTrue();
            assertThat(chain.receipts()).isEqualTo(1000);
            InferenceReceipt first = InferenceReceipt.fromPayload(byType.get("INFERENCE").get(0));
            assertThat(byType.get("INFERENCE")).allSatisfy(r -> assertThat(r.get("model_anchor"))
                    .isEqualTo(model.get("model_hash")));
            Map<String, Object> input = new LinkedHashMap<>();
            input.put("applicationId", "application-1");
            input.put("application", CreditData.load().applicants().get(0).values());
            Map<String, Object> other = new LinkedHashMap<>(input);
            other.put("applicationId", "application-2");
            try (CommitmentKeys keys = CommitmentKeys.open(home)) {
                assertThat(keys.opens(first.input(), input)).isEqualTo(CommitmentKeys.Opening.MATCHES);
                assertThat(keys.opens(first.input(), other)).isEqualTo(CommitmentKeys.Opening.DOES_NOT_MATCH);
            }

            // the assessment of the four frameworks the demo names
            List<Map<String, Object>> compliance = byType.get("COMPLIANCE");
            assertThat(compliance).hasSize(1);
            assertThat(((Map<?, ?>) ((Map<?, ?>) compliance.get(0).get("metadata")).get("scores")).keySet()
                    .stream().map(String::valueOf).toList()).containsExactlyInAnyOrder("eeoc", "fcra-ecoa", "eu-ai-act", "gdpr");
        }

        String report = Files.readString(home.resolve("compliance-report.html"), StandardCharsets.UTF_8);
        assertThat(report).contains("<html", "EEOC", "FCRA", "credit-scoring").doesNotContain("http://", "https://");

        // last: each stops the test (as skipped) on a machine without python3 or openssl
        Path note = auditorsCheck(dir, home);
        auditorsSignatureCheck(dir, home, note);
    }

    @Test
    void theDemoRunsOnTemurin25Too(@TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(TEMURIN_25), "no Temurin 25 on this machine");
        Path home = dir.resolve("home");
        Run run = demo(TEMURIN_25.toString(), home);
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("decisions   1,000 with HMAC receipts", "checkpoint  tree size");
        try (AuditLedger ledger = AuditLedger.open(home)) {
            assertThat(ledger.verify().full()).isTrue();
            assertThat(ledger.findAll("INFERENCE", "model", "credit-scoring")).hasSize(1000);
        }
    }

    /**
     * docs/auditor-guide.md steps 2 to 4: the guide's standard-library Python check accepts the export and the
     * signed checkpoint, an inclusion proof (not the same proof claimed for the next leaf) and a consistency proof
     * (not the same proof claimed from the next size), recomputes the digests inside payloads and the dataset
     * anchor from the data file, and names the position of a changed payload and of a payload whose members no
     * longer give its digest.
     *
     * @return the signed checkpoint the operator handed over
     */
    static Path auditorsCheck(Path dir, Path home) throws Exception {
        boolean python = new ProcessBuilder("python3", "--version").start().waitFor() == 0;
        org.junit.jupiter.api.Assumptions.assumeTrue(python, "no python3 on this machine");
        // what the operator hands over: the export, the signed checkpoint, an inclusion and a consistency proof
        Path export = dir.resolve("export.jsonl");
        Path proof = dir.resolve("proof.json");
        Path consistency = dir.resolve("consistency.json");
        String root;
        long signedSize;
        try (AuditLedger ledger = AuditLedger.open(home);
                java.io.Writer w = Files.newBufferedWriter(export, StandardCharsets.UTF_8)) {
            ledger.export(w, 0, ledger.size() - 1, null);
            root = ledger.verify().rootBase64();
            signedSize = ledger.latestCheckpoint().orElseThrow().size();
            Files.writeString(proof, ledger.proveInclusion(signedSize / 2, signedSize).toJson());
            Files.writeString(consistency, ledger.proveConsistency(1000, signedSize).toJson());
        }
        Path note = home.resolve("checkpoints").resolve(signedSize + ".note"); // the signed checkpoint's file
        Run ok = ciafCheck("export", export, note);
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("chain intact, root " + root, "have the root signed in the checkpoint");

        // step 3: an inclusion proof of one entry in the signed tree
        Run proved = ciafCheck("proof", proof);
        assertThat(proved.exit()).as(proved.err()).isZero();
        assertThat(proved.out()).contains("leaf " + signedSize / 2 + " is in the tree of size " + signedSize);
        Files.writeString(proof, Files.readString(proof).replace("\"leafIdx\":" + signedSize / 2,
                "\"leafIdx\":" + (signedSize / 2 + 1)));
        Run wrongLeaf = ciafCheck("proof", proof);
        assertThat(wrongLeaf.exit()).isEqualTo(1);
        assertThat(wrongLeaf.err()).contains("the proof does not lead to the root");

        // and a consistency proof from an earlier size to the signed one
        Run extended = ciafCheck("consistency", consistency);
        assertThat(extended.exit()).as(extended.err()).isZero();
        assertThat(extended.out()).contains("the tree of size " + signedSize, "extends the tree of size 1000");
        Files.writeString(consistency, Files.readString(consistency).replace("\"size1\":1000", "\"size1\":1001"));
        Run notExtended = ciafCheck("consistency", consistency);
        assertThat(notExtended.exit()).isEqualTo(1);
        assertThat(notExtended.err()).contains("the proof does not lead from root1 to root2");

        Run digests = ciafCheck("digests", export);
        assertThat(digests.exit()).as(digests.err()).isZero();
        assertThat(digests.out()).contains("1 DATASET", "1000 INFERENCE", "1 MODEL", "digests recomputed");

        // anchors.md: the dataset anchor is recomputed from the data file alone, and a file missing a row is not it
        List<String> exported = Files.readAllLines(export, StandardCharsets.UTF_8);
        String anchorLine = exported.stream().filter(l -> l.contains("\"type\":\"DATASET\"")).findFirst().orElseThrow();
        String position = anchorLine.replaceFirst("^\\{\"position\":(\\d+),.*$", "$1");
        Path arff = dir.resolve("credit-g.arff");
        try (java.io.InputStream in = CreditScoringDemoIT.class.getResourceAsStream("/credit-data/credit-g.arff")) {
            Files.copy(in, arff);
        }
        Run sameData = ciafCheck("dataset", export, position, arff);
        assertThat(sameData.exit()).as(sameData.err()).isZero();
        assertThat(sameData.out()).contains("is the data of the anchor at position " + position, "733 of 1000 samples");
        List<String> arffLines = new ArrayList<>(Files.readAllLines(arff, StandardCharsets.UTF_8));
        while (arffLines.get(arffLines.size() - 1).isBlank()) {
            arffLines.remove(arffLines.size() - 1);
        }
        arffLines.remove(arffLines.size() - 1);
        Path shorter = dir.resolve("shorter.arff");
        Files.write(shorter, arffLines, StandardCharsets.UTF_8);
        Run otherData = ciafCheck("dataset", export, position, shorter);
        assertThat(otherData.exit()).isEqualTo(1);
        assertThat(otherData.err()).contains("the data gives samples_read 999, the anchor says 1000");

        // A METADATA record given one more member, re-encoded (its payload_hash no longer matches either, which
        // the export check reports; the digest check looks inside)
        List<String> lines = new ArrayList<>(Files.readAllLines(export, StandardCharsets.UTF_8));
        int at = 0;
        while (!lines.get(at).contains("\"type\":\"METADATA\"")) {
            at++;
        }
        java.util.regex.Matcher payload = java.util.regex.Pattern.compile("\"payload\":\"([^\"]+)\"").matcher(lines.get(at));
        assertThat(payload.find()).isTrue();
        String json = new String(java.util.Base64.getDecoder().decode(payload.group(1)), StandardCharsets.UTF_8);
        assertThat(json).contains("\"metadata\":{");
        String changed = java.util.Base64.getEncoder().encodeToString(json.replace("\"metadata\":{",
                "\"metadata\":{\"approved_by\":\"someone else\",").getBytes(StandardCharsets.UTF_8));
        List<String> altered = new ArrayList<>(lines);
        altered.set(at, lines.get(at).replace(payload.group(1), changed));
        Path alteredExport = dir.resolve("altered.jsonl");
        Files.write(alteredExport, altered, StandardCharsets.UTF_8);
        Run wrongDigest = ciafCheck("digests", alteredExport);
        assertThat(wrongDigest.exit()).isEqualTo(1);
        assertThat(wrongDigest.err()).contains("position " + at + ": the METADATA payload's digest does not match");

        lines.set(7, lines.get(7).replaceFirst("\"payload\":\"(.)", "\"payload\":\"A"));
        Files.write(export, lines, StandardCharsets.UTF_8);
        Run bad = ciafCheck("export", export);
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("position 7: payload does not match its payload_hash");
        return note;
    }

    /**
     * docs/auditor-guide.md step 1, run as the guide prints it (bash, base64, sha256sum, xxd, openssl 3): the
     * demo's checkpoint verifies with its verifier key, and a checkpoint whose root was changed does not.
     */
    static void auditorsSignatureCheck(Path dir, Path home, Path note) throws Exception {
        boolean openssl = new ProcessBuilder("openssl", "version").start().waitFor() == 0;
        org.junit.jupiter.api.Assumptions.assumeTrue(openssl, "no openssl on this machine");
        Path guide = auditorScript().getParent().getParent().resolve("auditor-guide.md");
        String text = Files.readString(guide, StandardCharsets.UTF_8);
        int step = text.indexOf("## 1.");
        int start = text.indexOf("```bash\n", step) + "```bash\n".length();
        String script = text.substring(start, text.indexOf("```", start));
        assertThat(script).contains("openssl pkeyutl -verify", "note=checkpoints/2015.note");

        Path work = Files.createDirectories(dir.resolve("auditor-step-1"));
        Files.copy(home.resolve("signing.vkey"), work.resolve("signing.vkey"));
        Path checkpoints = Files.createDirectories(work.resolve("checkpoints"));
        Files.copy(note, checkpoints.resolve(note.getFileName()));
        String run = script.replace("checkpoints/2015.note", "checkpoints/" + note.getFileName());
        String keyId = Files.readString(home.resolve("signing.vkey"), StandardCharsets.UTF_8).trim().split("\\+")[1];

        Run ok = execIn(work, "bash", "-c", run);
        assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.out()).contains("Signature Verified Successfully");
        assertThat(ok.out().lines().filter(keyId::equals)).as("the key id, from the key and from the signature")
                .hasSize(2);

        List<String> lines = new ArrayList<>(Files.readAllLines(checkpoints.resolve(note.getFileName())));
        char first = lines.get(2).charAt(0);
        lines.set(2, (first == 'A' ? 'B' : 'A') + lines.get(2).substring(1)); // another root
        Files.write(checkpoints.resolve(note.getFileName()), lines, StandardCharsets.UTF_8);
        Run bad = execIn(work, "bash", "-c", run);
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.out() + bad.err()).contains("Signature Verification Failure");
    }

    /** docs/auditor/ciaf_check.py, the auditor's standard-library Python check. */
    static Path auditorScript() {
        return Path.of(System.getProperty("auditor.script"));
    }

    /** Runs {@link #auditorScript} with python3 and {@code args} (commands, paths, numbers). */
    static Run ciafCheck(Object... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("python3", auditorScript().toString()));
        for (Object a : args) {
            command.add(a.toString());
        }
        return exec(command.toArray(String[]::new));
    }

    static Run exec(String... command) throws IOException, InterruptedException {
        return execIn(null, command);
    }

    /** Runs {@code command} in {@code dir} (null: this one). */
    static Run execIn(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir == null ? null : dir.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), out, err);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }
}
