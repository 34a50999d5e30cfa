package io.ciaf.anchor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import io.ciaf.api.internal.CanonicalJson;
import io.ciaf.api.internal.JsonValues;
import io.ciaf.ledger.NewEntry;


/**
 * One inference, as the ledger holds it (entry type INFERENCE): which model anchor answered which request,
 * commitments to the input and the output (never the values themselves, unless PLAINTEXT was chosen),
 * optional explanation digests, and the digest of the previous receipt of the same model, so that a
 * receipt removed from or inserted into a model's history breaks the chain.
 *
 * <p>{@link #digest()} is SHA-256 over the canonical JSON of every member except {@code receipt_digest}
 * itself (and the ledger's {@code nonce}): anyone can recompute it from the exported payload.
 */
public final class InferenceReceipt {

    public static final String TYPE = "INFERENCE";

    private final String receiptId;
    private final String model;
    private final String modelAnchor;
    private final String requestId;
    private final Commitment input;
    private final Commitment output;
    private final List<String> explanationDigests;
    private final String previousReceipt;
    private final String digest;
    /** The members as canonical JSON text, made once for the digest and reused for the ledger entry. */
    private final TreeMap<String, String> canonical;

    InferenceReceipt(String receiptId, String model, String modelAnchor, String requestId, Commitment input,
            Commitment output, List<String> explanationDigests, String previousReceipt) {
        this.receiptId = Objects.requireNonNull(receiptId, "receiptId");
        this.model = Objects.requireNonNull(model, "model");
        this.modelAnchor = modelAnchor;
        this.requestId = requestId;
        this.input = Objects.requireNonNull(input, "input");
        this.output = Objects.requireNonNull(output, "output");
        this.explanationDigests = List.copyOf(explanationDigests);
        this.previousReceipt = previousReceipt;
        this.canonical = canonicalMembers();
        StringBuilder text = new StringBuilder(CanonicalJson.membersLength(canonical));
        CanonicalJson.writeMembers(canonical, text);
        this.digest = CanonicalJson.hex(CanonicalJson.sha256(CanonicalJson.utf8(text)));
    }

    public String receiptId() {
        return receiptId;
    }

    public String model() {
        return model;
    }

    /** The model hash of the model anchor that answered, or null when the model was not anchored. */
    public String modelAnchor() {
        return modelAnchor;
    }

    public String requestId() {
        return requestId;
    }

    public Commitment input() {
        return input;
    }

    public Commitment output() {
        return output;
    }

    public List<String> explanationDigests() {
        return explanationDigests;
    }

    /** The digest of the model's previous receipt, or null for its first. */
    public String previousReceipt() {
        return previousReceipt;
    }

    /** Lower-case hex SHA-256 of this receipt's members (see the class comment). */
    public String digest() {
        return digest;
    }

    private Map<String, Object> members() {
        Map<String, Object> m = new TreeMap<>();
        m.put("receipt_id", receiptId);
        m.put("model", model);
        if (modelAnchor != null) {
            m.put("model_anchor", modelAnchor);
        }
        if (requestId != null) {
            m.put("request_id", requestId);
        }
        m.put("input", input.toMap());
        m.put("output", output.toMap());
        if (!explanationDigests.isEmpty()) {
            m.put("explanation_digests", explanationDigests);
        }
        m.put("previous_receipt", previousReceipt);
        return m;
    }

    /**
     * The members as canonical JSON text, in canonical order: the same text {@link #members()} gives through
     * {@code JsonValues} and {@code CanonicalJson}, built directly because every inference makes a receipt.
     */
    private TreeMap<String, String> canonicalMembers() {
        TreeMap<String, String> m = new TreeMap<>();
        m.put("receipt_id", CanonicalJson.quote(receiptId));
        m.put("model", CanonicalJson.quote(model));
        if (modelAnchor != null) {
            m.put("model_anchor", CanonicalJson.quote(modelAnchor));
        }
        if (requestId != null) {
            m.put("request_id", CanonicalJson.quote(requestId));
        }
        m.put("input", input.canonicalJson());
        m.put("output", output.canonicalJson());
        if (!explanationDigests.isEmpty()) {
            m.put("explanation_digests", CanonicalJson.write(JsonValues.normalize(explanationDigests,
                    "explanation_digests")));
        }
        m.put("previous_receipt", previousReceipt == null ? "null" : CanonicalJson.quote(previousReceipt));
        return m;
    }

    /** The ledger entry of this receipt: its payload (members and {@code receipt_digest}), keyed by its id. */
    NewEntry entry() {
        TreeMap<String, String> m = new TreeMap<>(canonical); // the entry adds members to its map
        m.put("receipt_digest", CanonicalJson.quote(digest));
        return NewEntry.ofCanonicalMembers(TYPE, m, "receipt:" + receiptId);
    }

    /** The ledger payload: the members plus {@code receipt_digest}. */
    public Map<String, Object> toPayload() {
        Map<String, Object> m = members();
        m.put("receipt_digest", digest);
        return m;
    }

    /**
     * Reads a payload {@link #toPayload} wrote (the ledger's {@code nonce} is ignored).
     *
     * @throws IllegalArgumentException naming what is missing or malformed
     */
    public static InferenceReceipt fromPayload(Map<?, ?> p) {
        List<String> explanations = new ArrayList<>();
        if (p.get("explanation_digests") instanceof List<?> list) {
            for (Object o : list) {
                explanations.add(String.valueOf(o));
            }
        }
        return new InferenceReceipt(string(p, "receipt_id", true), string(p, "model", true),
                string(p, "model_anchor", false), string(p, "request_id", false), commitment(p, "input"),
                commitment(p, "output"), explanations, string(p, "previous_receipt", false));
    }

    /** The {@code receipt_digest} a payload claims, which {@link #fromPayload} recomputes rather than trusts. */
    public static String claimedDigest(Map<?, ?> p) {
        Object d = p.get("receipt_digest");
        return d instanceof String ? (String) d : null;
    }

    private static String string(Map<?, ?> p, String key, boolean required) {
        Object v = p.get(key);
        if (v == null && !required) {
            return null;
        }
        if (!(v instanceof String)) {
            throw new IllegalArgumentException("an inference receipt needs a string '" + key + "'");
        }
        return (String) v;
    }

    private static Commitment commitment(Map<?, ?> p, String key) {
        Object v = p.get(key);
        if (!(v instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("an inference receipt needs an '" + key + "' commitment");
        }
        return Commitment.fromMap(m);
    }

    @Override
    public String toString() {
        return "InferenceReceipt[" + receiptId + ", " + model + ", " + digest + "]";
    }
}
