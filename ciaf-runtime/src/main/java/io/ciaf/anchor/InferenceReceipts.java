package io.ciaf.anchor;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.ciaf.api.internal.CanonicalJson;
import io.ciaf.api.internal.TimeOrderedIds;
import io.ciaf.ledger.AuditLedger;
import io.ciaf.ledger.LedgerEntry;

/**
 * Records inference receipts in the ledger, one chain per model, and checks a model's chain. Commitments are
 * made with the {@link CommitmentKeys} store; HMAC_SHA256 uses the key {@code hmac:<model>}. Thread-safe.
 *
 * <pre>{@code
 * InferenceReceipts receipts = new InferenceReceipts(ledger, keys);
 * InferenceReceipt r = receipts.record("credit", modelHash, "req-17", features, decision, CommitmentKind.HMAC_SHA256);
 * }</pre>
 */
public final class InferenceReceipts {

    private final AuditLedger ledger;
    private final CommitmentKeys keys;
    /** Digest of each model's latest receipt; read from the ledger the first time a model is seen. */
    private final Map<String, String> heads = new HashMap<>();

    public InferenceReceipts(AuditLedger ledger, CommitmentKeys keys) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    /** {@link #record(String, String, String, Object, Object, CommitmentKind, List)} without explanations. */
    public InferenceReceipt record(String model, String modelAnchor, String requestId, Object input, Object output,
            CommitmentKind kind) {
        return record(model, modelAnchor, requestId, input, output, kind, List.of());
    }

    /**
     * Commits to {@code input} and {@code output}, chains the receipt to the model's previous one and appends it
     * durably (type INFERENCE, idempotency key {@code receipt:<id>}).
     *
     * @param modelAnchor the model hash of the model anchor that answered, or null
     * @param explanationDigests hex digests of explanations (e.g. SHAP values) kept elsewhere
     */
    public synchronized InferenceReceipt record(String model, String modelAnchor, String requestId, Object input,
            Object output, CommitmentKind kind, List<String> explanationDigests) {
        Objects.requireNonNull(model, "model");
        String hmacKey = "hmac:" + model;
        Commitment in = keys.commit(kind, input, hmacKey);
        Commitment out = keys.commit(kind, output, hmacKey);
        String previous = heads.containsKey(model) ? heads.get(model) : latestDigest(model);
        InferenceReceipt receipt = new InferenceReceipt(TimeOrderedIds.next().toString(), model, modelAnchor,
                requestId, in, out, explanationDigests, previous);
        ledger.appendAll(List.of(receipt.entry()));
        heads.put(model, receipt.digest());
        return receipt;
    }

    /**
     * Makes the next receipt of {@code model} without appending it: the caller appends {@link #entry} of each,
     * in order, in one batch (the capture pipeline does, beside the records), and calls {@link #forgetHeads} if
     * that append fails.
     */
    public synchronized InferenceReceipt prepare(String model, String modelAnchor, String requestId, Object input,
            Object output, CommitmentKind kind) {
        String hmacKey = "hmac:" + model;
        Commitment in = keys.commit(kind, input, hmacKey);
        Commitment out = keys.commit(kind, output, hmacKey);
        String previous = heads.containsKey(model) ? heads.get(model) : latestDigest(model);
        InferenceReceipt receipt = new InferenceReceipt(TimeOrderedIds.next().toString(), model, modelAnchor,
                requestId, in, out, List.of(), previous);
        heads.put(model, receipt.digest());
        return receipt;
    }

    /** The ledger entry of a prepared receipt. */
    public static io.ciaf.ledger.NewEntry entry(InferenceReceipt r) {
        return r.entry();
    }

    /** Forgets the chain heads, which are read from the ledger again: after a batch of prepared ones failed. */
    public synchronized void forgetHeads() {
        heads.clear();
    }

    private String latestDigest(String model) {
        return ledger.findLast(InferenceReceipt.TYPE, "model", model)
                .map(e -> InferenceReceipt.claimedDigest(e.payloadFields()))
                .orElse(null);
    }

    /**
     * What checking one model's receipt chain found.
     *
     * @param receipts the model's receipts still readable
     * @param erased erased INFERENCE entries met on the way (of any model: erasure removed the model name too)
     */
    public record ChainCheck(String model, long receipts, long erased, boolean intact, Long brokenAt, String reason) {
    }

    /**
     * Recomputes every receipt of {@code model} from the ledger, in order: each digest from its members, and each
     * link to the previous receipt. An erased receipt no longer says which model it was for, so every erased
     * INFERENCE entry is counted and bridged: the link across it cannot be checked and is not reported as broken.
     */
    public static ChainCheck verifyChain(AuditLedger ledger, String model) {
        List<LedgerEntry> entries = ledger.findAllWithErased(InferenceReceipt.TYPE, "model", model);
        String previous = null;
        boolean bridged = false;
        long erased = 0;
        long count = 0;
        for (LedgerEntry e : entries) {
            if (e.payload().isEmpty()) {
                erased++;
                bridged = true;
                continue;
            }
            count++;
            Map<?, ?> p = e.payloadFields();
            InferenceReceipt r;
            try {
                r = InferenceReceipt.fromPayload(p);
            } catch (IllegalArgumentException ex) {
                return new ChainCheck(model, count, erased, false, e.position(), ex.getMessage());
            }
            String claimed = InferenceReceipt.claimedDigest(p);
            if (claimed == null || !CanonicalJson.sameDigest(claimed, r.digest())) {
                return new ChainCheck(model, count, erased, false, e.position(),
                        "receipt_digest does not match the receipt's members");
            }
            if (!bridged && !Objects.equals(previous, r.previousReceipt())) {
                return new ChainCheck(model, count, erased, false, e.position(),
                        "previous_receipt does not name the model's previous receipt (one was removed, inserted or"
                                + " reordered)");
            }
            previous = r.digest();
            bridged = false;
        }
        return new ChainCheck(model, count, erased, true, null, null);
    }
}
