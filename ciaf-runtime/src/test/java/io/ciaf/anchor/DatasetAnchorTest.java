package io.ciaf.anchor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ciaf.ledger.AuditLedger;
import io.ciaf.ledger.InclusionProof;
import io.ciaf.ledger.Rfc6962Reference;
import io.ciaf.ledger.VerificationException;

class DatasetAnchorTest {

    private static final String CSV = """
            id,age,income,sex
            a1,42,5000.5,f
            a2,,3100,m
            a3,27,"7,200",f
            a4,61,0,m
            """;

    @TempDir
    Path dir;

    private static byte[] sha256(String s) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aCsvAnchorHasItsStatisticsAndARootAnyoneCanRecompute() throws Exception {
        DatasetAnchor anchor = DatasetAnchor.builder("german-credit", "full").into(dir.resolve("full.tree"))
                .declare("contains_pii", true).declare("protected_attributes", List.of("sex", "age"))
                .readCsv(new StringReader(CSV), "id").build();
        assertThat(anchor.samples()).isEqualTo(4);
        List<byte[]> leaves = List.of(
                sha256("{\"id\":\"a1\",\"row\":[\"a1\",\"42\",\"5000.5\",\"f\"]}"),
                sha256("{\"id\":\"a2\",\"row\":[\"a2\",\"\",\"3100\",\"m\"]}"),
                sha256("{\"id\":\"a3\",\"row\":[\"a3\",\"27\",\"7,200\",\"f\"]}"),
                sha256("{\"id\":\"a4\",\"row\":[\"a4\",\"61\",\"0\",\"m\"]}"));
        assertThat(anchor.merkleRoot()).isEqualTo(HexFormat.of().formatHex(Rfc6962Reference.mth(leaves, 0, 4)));

        Map<String, Object> p = anchor.toPayload();
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> stats = (Map<String, Map<String, Object>>) p.get("statistics");
        assertThat(stats.get("age")).containsEntry("missing", 1L).containsEntry("type", "numeric")
                .containsEntry("min", 27.0).containsEntry("max", 61.0).containsEntry("mean", 130.0 / 3);
        assertThat(stats.get("income")).containsEntry("type", "nominal"); // "7,200" is not a number
        assertThat(stats.get("sex")).containsEntry("type", "nominal").containsEntry("missing", 0L);
        assertThat(p).containsEntry("missing_values", 1L).containsEntry("features", List.of("id", "age", "income", "sex"));
        assertThat(DatasetAnchor.hashMatches(p)).isTrue();
    }

    @Test
    void aChangedSampleChangesTheRootAndItsOldProofNoLongerHolds() throws Exception {
        DatasetAnchor original = DatasetAnchor.builder("d", "full").into(dir.resolve("a.tree"))
                .readCsv(new StringReader(CSV), "id").build();
        DatasetAnchor changed = DatasetAnchor.builder("d", "full").into(dir.resolve("b.tree"))
                .readCsv(new StringReader(CSV.replace("a3,27", "a3,28")), "id").build();
        assertThat(changed.merkleRoot()).isNotEqualTo(original.merkleRoot());
        assertThat(changed.datasetHash()).isNotEqualTo(original.datasetHash());

        SampleProofs proofs = new SampleProofs(100);
        InclusionProof proof = proofs.prove(dir.resolve("a.tree"), 2);
        assertThat(proofs.prove(dir.resolve("a.tree"), 2)).isSameAs(proof);
        proof.verify();
        assertThat(HexFormat.of().formatHex(proof.root())).isEqualTo(original.merkleRoot());
        InclusionProof againstChanged = new InclusionProof(2, 4, HexFormat.of().parseHex(changed.merkleRoot()),
                proof.leafHash(), proof.proof());
        assertThatThrownBy(againstChanged::verify).isInstanceOf(VerificationException.class);

        Map<String, Object> tampered = new java.util.TreeMap<>(original.toPayload());
        tampered.put("samples", 5L);
        assertThat(DatasetAnchor.hashMatches(tampered)).isFalse();
    }

    @Test
    void theSplitAssignmentIsReproducibleFromTheSeedAndTheIds() throws Exception {
        StringBuilder csv = new StringBuilder("id,x\n");
        for (int i = 0; i < 200; i++) {
            csv.append("s").append(i).append(',').append(i).append('\n');
        }
        Map<String, Double> fractions = Map.of("train", 0.75, "test", 0.25);
        DatasetAnchor train = DatasetAnchor.builder("d", "train").splits("seed-42", fractions)
                .into(dir.resolve("train.tree")).readCsv(new StringReader(csv.toString()), "id").build();
        DatasetAnchor test = DatasetAnchor.builder("d", "test").splits("seed-42", fractions)
                .into(dir.resolve("test.tree")).readCsv(new StringReader(csv.toString()), "id").build();
        assertThat(train.samples() + test.samples()).isEqualTo(200);
        assertThat(train.samples()).isBetween(120L, 180L);

        // By hand, from the class comment: u = first 8 bytes of SHA-256(seed \n id) / 2^64; "test" < "train".
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        long trainCount = 0;
        for (int i = 0; i < 200; i++) {
            byte[] h = sha256("seed-42\ns" + i);
            double u = new java.math.BigInteger(1, java.util.Arrays.copyOf(h, 8)).doubleValue() / Math.pow(2, 64);
            String split = u < 0.25 ? "test" : "train";
            trainCount += split.equals("train") ? 1 : 0;
            digest.update(("s" + i + "\t" + split + "\n").getBytes(StandardCharsets.UTF_8));
        }
        String expected = HexFormat.of().formatHex(digest.digest());
        assertThat(train.toPayload()).containsEntry("split_assignment_digest", expected);
        assertThat(test.toPayload()).containsEntry("split_assignment_digest", expected);
        assertThat(train.samples()).isEqualTo(trainCount);
    }

    @Test
    void arffAndJsonLinesAreReadToo() throws Exception {
        String arff = """
                % German credit, two rows
                @relation credit
                @attribute checking_status {'<0','0<=X<200'}
                @attribute duration numeric
                @attribute class {good,bad}
                @data
                '<0',6,good
                '0<=X<200',48,bad
                """;
        DatasetAnchor a = DatasetAnchor.builder("credit-g", "full").into(dir.resolve("arff.tree"))
                .readArff(new StringReader(arff)).build();
        assertThat(a.samples()).isEqualTo(2);
        @SuppressWarnings("unchecked")
        Map<String, Object> metadata = (Map<String, Object>) a.toPayload().get("metadata");
        assertThat(metadata.get("feature_types").toString()).contains("duration=numeric");
        List<byte[]> leaves = new ArrayList<>();
        leaves.add(sha256("{\"id\":\"1\",\"row\":[\"<0\",\"6\",\"good\"]}"));
        leaves.add(sha256("{\"id\":\"2\",\"row\":[\"0<=X<200\",\"48\",\"bad\"]}"));
        assertThat(a.merkleRoot()).isEqualTo(HexFormat.of().formatHex(Rfc6962Reference.mth(leaves, 0, 2)));

        DatasetAnchor j = DatasetAnchor.builder("events", "full").into(dir.resolve("jsonl.tree"))
                .readJsonLines(new StringReader("{\"id\":\"e1\",\"v\":1}\n\n{\"v\":2.5,\"id\":\"e2\"}\n"), "id").build();
        assertThat(j.samples()).isEqualTo(2);
        assertThat(j.merkleRoot()).isEqualTo(HexFormat.of().formatHex(Rfc6962Reference.mth(List.of(
                sha256("{\"id\":\"e1\",\"row\":{\"id\":\"e1\",\"v\":1}}"),
                sha256("{\"id\":\"e2\",\"row\":{\"id\":\"e2\",\"v\":2.5}}")), 0, 2)));
    }

    @Test
    void badInputNamesTheLineOrTheSample() {
        assertThatThrownBy(() -> DatasetAnchor.builder("d", "full").into(dir.resolve("x.tree"))
                .readCsv(new StringReader("id,a\nr1,1,2\n"), "id")).hasMessageContaining("sample r1 has 3 fields");
        assertThatThrownBy(() -> DatasetAnchor.builder("d", "full").into(dir.resolve("y.tree"))
                .readCsv(new StringReader("id,a\n"), "key")).hasMessageContaining("id column 'key' is not in the header");
        assertThatThrownBy(() -> DatasetAnchor.builder("d", "full").into(dir.resolve("z.tree"))
                .readJsonLines(new StringReader("{\"id\":1}\nnot json\n"), "id")).hasMessageContaining("line 2");
        assertThatThrownBy(() -> DatasetAnchor.builder("d", "train").splits("s", Map.of("train", 0.5, "test", 0.4)))
                .hasMessageContaining("must sum to 1");
    }

    @Test
    void anAnchorInTheLedgerReadsBackWithAMatchingHash() throws Exception {
        DatasetAnchor anchor = DatasetAnchor.builder("d", "full").into(dir.resolve("l.tree"))
                .readCsv(new StringReader(CSV), "id").build();
        try (AuditLedger ledger = AuditLedger.create(dir.resolve("home"), "ciaf.test/datasets")) {
            long position = anchor.appendTo(ledger).position();
            assertThat(anchor.appendTo(ledger).position()).isEqualTo(position);
            Map<?, ?> payload = ledger.entry(position).orElseThrow().payloadFields();
            assertThat(payload.get("dataset_hash")).isEqualTo(anchor.datasetHash());
            assertThat(DatasetAnchor.hashMatches(payload)).isTrue();
            assertThat(ledger.entry(position).orElseThrow().type()).isEqualTo("DATASET");
        }
    }

    @Test
    void theIntegerFastPathParsesExactlyAsDoubleParseDoubleDoes() {
        for (String v : List.of("0", "-0", "7", "-42", "123456789012345678", "-999999999999999999", "9007199254740993",
                "1234567890123456789", "3.5", "1e3", "0.1234567890123456789", "00012")) {
            assertThat(Double.doubleToRawLongBits(DatasetAnchor.Column.parse(v))).as(v)
                    .isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(v)));
        }
        assertThatThrownBy(() -> DatasetAnchor.Column.parse("-")).isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> DatasetAnchor.Column.parse("12a")).isInstanceOf(NumberFormatException.class);
    }

    @Test
    void rowsRepeatedUnderAnotherIdAreCountedAsDuplicates() {
        StringBuilder csv = new StringBuilder("id,age,sex\n");
        for (int i = 0; i < 5000; i++) {
            csv.append("r").append(i).append(',').append(i % 1000).append(",f\n"); // each row 5 times
        }
        DatasetAnchor a = DatasetAnchor.builder("d", "full").countDuplicates().into(dir.resolve("dup.tree"))
                .readCsv(new StringReader(csv.toString().replace("id,age,sex", "rid,age,sex")), null).build();
        assertThat(a.toPayload()).containsEntry("duplicates", 0L); // the row includes its distinct rid
        DatasetAnchor b = DatasetAnchor.builder("d", "full").countDuplicates().into(dir.resolve("dup2.tree"))
                .readJsonLines(new StringReader("{\"v\":1}\n{\"v\":2}\n{\"v\":1}\n"), null).build();
        assertThat(b.toPayload()).containsEntry("duplicates", 1L);
        StringBuilder rows = new StringBuilder("age,sex\n");
        for (int i = 0; i < 5000; i++) {
            rows.append(i % 1000).append(",f\n");
        }
        DatasetAnchor c = DatasetAnchor.builder("d", "full").countDuplicates().into(dir.resolve("dup3.tree"))
                .readCsv(new StringReader(rows.toString()), null).build();
        assertThat(c.toPayload()).containsEntry("duplicates", 4000L);
        assertThat(DatasetAnchor.builder("d", "full").into(dir.resolve("dup4.tree"))
                .readCsv(new StringReader(rows.toString()), null).build().toPayload()).doesNotContainKey("duplicates");
    }
}
