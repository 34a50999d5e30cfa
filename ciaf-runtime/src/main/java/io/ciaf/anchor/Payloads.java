package io.ciaf.anchor;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

import io.ciaf.api.internal.CanonicalJson;
import io.ciaf.api.internal.JsonValues;

/** The digest rules anchors and receipts share, and the member tests that find a model's entries. */
final class Payloads {

    private Payloads() {
    }

    /** Hex SHA-256 of the canonical JSON of {@code value}. */
    static String digest(Object value) {
        return CanonicalJson.hex(CanonicalJson.sha256(CanonicalJson.write(JsonValues.normalize(value, "payload"))
                .getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * A stored payload's own members: without what the ledger adds ({@code nonce}, {@code idempotency_key}) and
     * without {@code digestMember}, the digest stored over the rest.
     */
    static Map<String, Object> members(Map<?, ?> payload, String digestMember) {
        Map<String, Object> m = new TreeMap<>();
        payload.forEach((k, v) -> m.put(String.valueOf(k), v));
        m.remove("nonce");
        m.remove("idempotency_key");
        m.remove(digestMember);
        return m;
    }

    /**
     * The text {@code "model_name":"<model>"} as canonical JSON writes it: a payload without it is not that
     * model's, so a scan can skip parsing it.
     */
    static String modelMember(String model) {
        return "\"model_name\":" + CanonicalJson.quote(model);
    }
}
