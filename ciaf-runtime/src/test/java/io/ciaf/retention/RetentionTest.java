package io.ciaf.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ciaf.anchor.CommitmentKeys;
import io.ciaf.anchor.CommitmentKind;
import io.ciaf.anchor.DatasetAnchor;
import io.ciaf.anchor.InferenceReceipt;
import io.ciaf.anchor.InferenceReceipts;
import io.ciaf.anchor.ModelAnchor;
import io.ciaf.ledger.AuditLedger;

/**
 * Retention, legal holds and subject requests on a real ledger. Entries are written now; retention is applied
 * "later" by passing a future instant.
 */
class RetentionTest {

    @TempDir
    Path home;
    AuditLedger ledger;
    long creditMeta;
    long fraudMeta;
    long receipt;
    long dataset;
    long model;

    @BeforeEach
    void build() {
        ledger = AuditLedger.create(home, "ciaf.test/retention");
        creditMeta = ledger.append("METADATA", Map.of("model_name", "credit", "stage", "training"), null).position();
        fraudMeta = ledger.append("METADATA", Map.of("model_name", "fraud", "stage", "training"), null).position();
        DatasetAnchor d = DatasetAnchor.builder("german-credit", "train").into(home.resolve("d.tree"))
                .readCsv(new StringReader("id,x\n1,2\n2,3\n"), "id").build();
        dataset = d.appendTo(ledger).position();
        model = ModelAnchor.builder("credit", "1").parameters(new double[] {1}).authorizedDataset(d).build()
                .appendTo(ledger).position();
        try (CommitmentKeys keys = CommitmentKeys.open(home)) {
            receipt = position(new InferenceReceipts(ledger, keys).record("credit", null, "req-1", 1, 2,
                    CommitmentKind.SALTED));
        }
    }

    private long position(InferenceReceipt r) {
        return ledger.findByIdempotencyKey("receipt:" + r.receiptId()).orElseThrow().position();
    }

    @org.junit.jupiter.api.AfterEach
    void close() {
        ledger.close();
    }

    private static Instant inDays(long days) {
        return Instant.now().plus(Duration.ofDays(days));
    }

    private boolean erased(long position) {
        return ledger.entry(position).orElseThrow().payload().isEmpty();
    }

    @Test
    void eachClassExpiresAfterItsDaysAndTheLedgerStillVerifies() {
        Retention retention = new Retention(ledger, Retention.DEFAULT_DAYS);
        Retention.Result dry = retention.apply(inDays(400), "auditor", true);
        assertThat(dry.expired()).containsExactly(creditMeta, fraudMeta);
        assertThat(erased(creditMeta)).isFalse();

        Retention.Result r = retention.apply(inDays(400), "auditor", false);
        assertThat(r.expiredByClass()).containsEntry("operational", 2L);
        assertThat(erased(creditMeta)).isTrue();
        assertThat(erased(fraudMeta)).isTrue();
        assertThat(erased(receipt)).isFalse();
        assertThat(erased(model)).isFalse();
        assertThat(ledger.entry(r.erasures().get(0)).orElseThrow().payload().orElseThrow())
                .contains("\"by\":\"auditor\"").contains("retention").contains("\"operational\":365");

        retention.apply(inDays(1100), "auditor", false);
        assertThat(erased(receipt)).isTrue();
        assertThat(erased(model)).isFalse();
        retention.apply(inDays(3000), "auditor", false);
        assertThat(erased(model)).isTrue();
        assertThat(erased(dataset)).isTrue();
        assertThat(erased(0)).isFalse();
        assertThat(ledger.verify().size()).isEqualTo(ledger.size());
    }

    @Test
    void aHeldEntrySurvivesRetentionUntilTheHoldIsReleased() {
        Holds holds = new Holds(ledger);
        Holds.Hold hold = holds.place("credit", null, null, "litigation 2026-17", "legal");
        Retention retention = new Retention(ledger, Retention.DEFAULT_DAYS);

        Retention.Result r = retention.apply(inDays(3000), "auditor", false);
        assertThat(erased(fraudMeta)).isTrue();
        assertThat(erased(creditMeta)).isFalse();
        assertThat(erased(receipt)).isFalse();
        assertThat(erased(model)).isFalse();
        assertThat(erased(dataset)).as("the dataset the held model was trained on").isFalse();
        assertThat(r.held()).isEqualTo(4);
        assertThat(r.holdsApplied()).containsExactly(hold.id());
        assertThat(ledger.entry(hold.position()).orElseThrow().payload()).isPresent();
        assertThat(ledger.verify().size()).isEqualTo(ledger.size());

        assertThatThrownBy(() -> holds.release("nope", "legal")).hasMessageContaining("no active hold nope")
                .hasMessageContaining(hold.id());
        holds.release(hold.id(), "legal");
        assertThat(holds.active()).isEmpty();
        retention.apply(inDays(3000), "auditor", false);
        assertThat(erased(creditMeta)).isTrue();
        assertThat(erased(dataset)).isTrue();
    }

    @Test
    void aHoldWithATimeRangeCoversOnlyEntriesInIt() {
        Holds holds = new Holds(ledger);
        holds.place("credit", Instant.now().plus(Duration.ofDays(1)), null, "future only", "legal");
        new Retention(ledger, Retention.DEFAULT_DAYS).apply(inDays(400), "auditor", false);
        assertThat(erased(creditMeta)).isTrue();
        assertThatThrownBy(() -> holds.place("credit", Instant.now(), Instant.now().minusSeconds(5), "r", "x"))
                .hasMessageContaining("is before its --from");
        assertThatThrownBy(() -> holds.place("credit", null, null, " ", "x")).hasMessageContaining("needs a reason");
    }

    @Test
    void aSubjectIsFoundAndErasedWithItsSaltsButNotWhileHeld() throws Exception {
        long mention = ledger.append("METADATA", Map.of("model_name", "fraud", "arguments",
                Map.of("customer", "subj-123")), null).position();
        ledger.append("METADATA", Map.of("model_name", "fraud", "arguments", Map.of("customer", "subj-1234")), null);
        InferenceReceipt r;
        try (CommitmentKeys keys = CommitmentKeys.open(home)) {
            r = new InferenceReceipts(ledger, keys).record("credit", null, "subj-123", Map.of("age", 40), "deny",
                    CommitmentKind.SALTED);
        }
        long receiptPosition = position(r);
        SubjectRequests requests = new SubjectRequests(ledger);
        assertThat(requests.find("subj-123")).extracting(e -> e.position()).containsExactly(mention, receiptPosition);

        Holds holds = new Holds(ledger);
        Holds.Hold hold = holds.place("credit", null, null, "regulator inquiry", "legal");
        try (CommitmentKeys keys = CommitmentKeys.open(home)) {
            assertThatThrownBy(() -> requests.erase("subj-123", "GDPR art. 17", "dpo", keys))
                    .hasMessageContaining("is under hold " + hold.id()).hasMessageContaining("nothing was erased");
            assertThat(erased(mention)).isFalse();
            holds.release(hold.id(), "legal");

            SubjectRequests.Erasure done = requests.erase("subj-123", "GDPR art. 17", "dpo", keys);
            assertThat(done.positions()).containsExactly(mention, receiptPosition);
            assertThat(done.secretsErased()).containsExactly(r.input().keyId(), r.output().keyId());
            assertThat(keys.opens(r.input(), Map.of("age", 40))).isEqualTo(CommitmentKeys.Opening.UNOPENABLE);
        }
        assertThat(erased(mention)).isTrue();
        assertThat(requests.find("subj-123")).isEmpty();
        assertThat(requests.find("subj-1234")).hasSize(1);
        String erasure = ledger.entry(ledger.size() - 1).orElseThrow().payload().orElseThrow();
        assertThat(erasure).contains("GDPR art. 17").doesNotContain("subj-123");
        assertThat(ledger.verify().size()).isEqualTo(ledger.size());
        assertThat(InferenceReceipts.verifyChain(ledger, "credit").intact()).isTrue();
        assertThatThrownBy(() -> requests.find("ab")).hasMessageContaining("at least 3 characters");
    }

    @Test
    void classesFollowTheirEntryTypes() {
        assertThat(List.of("INFERENCE", "METADATA", "SESSION_END", "MODEL", "DATASET", "COMPLIANCE", "RECOVERY")
                .stream().map(Retention::classOf).toList()).containsExactly("important", "operational", "transient",
                        "critical", "critical", "critical", "critical");
    }

    @Test
    void erasureReachesTheMetadataBackendsCopyOrSaysItCannot() {
        for (String backend : List.of("sqlite", "json")) {
            try (io.ciaf.storage.MetadataStorage view = io.ciaf.storage.MetadataStorage.open(
                    home.resolve("metadata-" + backend), backend)) {
                io.ciaf.api.MetadataRecord r = io.ciaf.api.MetadataRecord.builder("fraud",
                        io.ciaf.api.Stage.INFERENCE, "score").put("customer", "subj-900-" + backend).build();
                view.save(r);
                ledger.append("METADATA", Map.of("id", r.id().toString(), "model_name", "fraud", "metadata",
                        Map.of("customer", "subj-900-" + backend)), r.id().toString());
                SubjectRequests.Erasure e = new SubjectRequests(ledger).erase("subj-900-" + backend, "art. 17",
                        "dpo", null, view);
                assertThat(e.positions()).hasSize(1);
                if (backend.equals("sqlite")) {
                    assertThat(e.problems()).isEmpty();
                    assertThat(view.get(r.id())).isEmpty();
                } else {
                    assertThat(e.problems()).singleElement().asString()
                            .contains("json metadata backend cannot erase").contains("1 erased records still have a copy");
                    assertThat(view.get(r.id())).isPresent();
                }
            }
        }
        Retention.Result r = new Retention(ledger, Retention.DEFAULT_DAYS).apply(inDays(400), "ops", false);
        assertThat(r.problems()).isEmpty();
    }
}
