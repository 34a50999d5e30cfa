package io.ciaf.storage.internal;

import io.ciaf.api.MetadataRecord;
import io.ciaf.api.Stage;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Internal. The Java-serialized form of a record. Only plain JDK types appear in it (String, Long, Double,
 * Boolean, BigInteger, ArrayList, LinkedHashMap), so the allowlist in {@link RecordInputFilter} stays short.
 */
final class SerializedRecord implements Serializable {

    private static final long serialVersionUID = 1L;

    private String id;
    private long epochSecond;
    private int nano;
    private String model;
    private String version;
    private String stage;
    private String eventType;
    private String details;
    private String metadataHash;
    private LinkedHashMap<String, Object> metadata;
    private String traceId;
    private String parentId;
    private String actor;
    private ArrayList<String> validationErrors;

    static SerializedRecord of(MetadataRecord r) {
        SerializedRecord s = new SerializedRecord();
        s.id = r.id().toString();
        s.epochSecond = r.timestamp().getEpochSecond();
        s.nano = r.timestamp().getNano();
        s.model = r.model();
        s.version = r.version().orElse(null);
        s.stage = r.stage().wireName();
        s.eventType = r.eventType();
        s.details = r.details().orElse(null);
        s.metadataHash = r.metadataHash();
        s.metadata = copyMap(r.metadata());
        s.traceId = r.traceId().orElse(null);
        s.parentId = r.parentId().map(UUID::toString).orElse(null);
        s.actor = r.actor().orElse(null);
        s.validationErrors = new ArrayList<>(r.validationErrors());
        return s;
    }

    MetadataRecord toRecord() {
        if (id == null || model == null || stage == null || eventType == null || metadata == null
                || metadataHash == null) {
            throw new CorruptRecordException("serialized record lacks a required field");
        }
        MetadataRecord.Builder b = MetadataRecord.builder(model, Stage.parse(stage), eventType)
                .id(UUID.fromString(id))
                .timestamp(Instant.ofEpochSecond(epochSecond, nano))
                .version(version).details(details).traceId(traceId)
                .parentId(parentId == null ? null : UUID.fromString(parentId))
                .actor(actor)
                .validationErrors(validationErrors == null ? List.of() : validationErrors);
        metadata.forEach(b::put);
        MetadataRecord r = b.build();
        RecordJson.checkHash(r, metadataHash);
        return r;
    }

    // Unmodifiable JDK wrappers would drag their own classes into the stream; plain copies keep it to the allowlist.
    private static LinkedHashMap<String, Object> copyMap(Map<String, Object> m) {
        LinkedHashMap<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, copy(v)));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Object copy(Object v) {
        if (v instanceof Map) {
            return copyMap((Map<String, Object>) v);
        }
        if (v instanceof List) {
            ArrayList<Object> out = new ArrayList<>();
            for (Object o : (List<?>) v) {
                out.add(copy(o));
            }
            return out;
        }
        return v;
    }
}
