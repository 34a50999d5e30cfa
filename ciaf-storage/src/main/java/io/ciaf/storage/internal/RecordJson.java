package io.ciaf.storage.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.ciaf.api.InvalidMetadataException;
import io.ciaf.api.MetadataRecord;
import io.ciaf.api.Stage;
import io.ciaf.api.internal.CanonicalJson;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Internal. The JSON object form of a record, shared by the json backend, the JSON export and import:
 * field names as in the original CIAF schema, {@code metadata} written as its exact canonical JSON so that
 * the stored bytes hash to {@code metadata_hash}.
 */
public final class RecordJson {

    public static final String ID = "id";
    public static final String TIMESTAMP = "timestamp";
    public static final String MODEL = "model_name";
    public static final String VERSION = "model_version";
    public static final String STAGE = "stage";
    public static final String EVENT = "event_type";
    public static final String DETAILS = "details";
    public static final String HASH = "metadata_hash";
    public static final String METADATA = "metadata";
    public static final String TRACE = "trace_id";
    public static final String PARENT = "parent_id";
    public static final String ACTOR = "actor";
    public static final String ERRORS = "validation_errors";

    /** Strict: duplicate keys are an error, not "last one wins". */
    public static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .build();

    private RecordJson() {
    }

    /** The record as one line of JSON (no line terminator). */
    public static String toJson(MetadataRecord r) {
        StringWriter out = new StringWriter(256 + r.metadataJson().length());
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
            write(g, r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Writes the record as one JSON object. */
    public static void write(JsonGenerator g, MetadataRecord r) throws IOException {
        g.writeStartObject();
        g.writeStringField(ID, r.id().toString());
        g.writeStringField(TIMESTAMP, io.ciaf.api.internal.IsoInstant.format(r.timestamp()));
        g.writeStringField(MODEL, r.model());
        writeOptional(g, VERSION, r.version().orElse(null));
        g.writeStringField(STAGE, r.stage().wireName());
        g.writeStringField(EVENT, r.eventType());
        writeOptional(g, DETAILS, r.details().orElse(null));
        g.writeStringField(HASH, r.metadataHash());
        g.writeFieldName(METADATA);
        g.writeRawValue(r.metadataJson());
        writeOptional(g, TRACE, r.traceId().orElse(null));
        writeOptional(g, PARENT, r.parentId().map(UUID::toString).orElse(null));
        writeOptional(g, ACTOR, r.actor().orElse(null));
        if (!r.validationErrors().isEmpty()) {
            g.writeArrayFieldStart(ERRORS);
            for (String e : r.validationErrors()) {
                g.writeString(e);
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    private static void writeOptional(JsonGenerator g, String field, String value) throws IOException {
        if (value != null) {
            g.writeStringField(field, value);
        }
    }

    /**
     * Parses one record object.
     *
     * @throws CorruptRecordException if it is not valid JSON, lacks a field, or its metadata does not match
     *     its {@code metadata_hash}
     */
    public static MetadataRecord parse(String json) {
        Map<?, ?> map;
        try (JsonParser p = MAPPER.createParser(json)) {
            Object value = MAPPER.readValue(p, Object.class);
            if (p.nextToken() != null) {
                throw new CorruptRecordException("text after the end of the JSON object");
            }
            if (!(value instanceof Map)) {
                throw new CorruptRecordException("not a JSON object");
            }
            map = (Map<?, ?>) value;
        } catch (IOException e) {
            throw new CorruptRecordException("not valid JSON (" + firstLine(e.getMessage()) + ")");
        }
        return fromMap(map);
    }

    /**
     * Rebuilds a record from its field map, checking the stored hash against the metadata.
     *
     * @throws CorruptRecordException naming the missing or bad field
     */
    public static MetadataRecord fromMap(Map<?, ?> map) {
        try {
            MetadataRecord.Builder b = MetadataRecord.builder(string(map, MODEL, true),
                    Stage.parse(string(map, STAGE, true)), string(map, EVENT, true));
            b.id(UUID.fromString(string(map, ID, true)));
            b.timestamp(Instant.parse(string(map, TIMESTAMP, true)));
            b.version(string(map, VERSION, false));
            b.details(string(map, DETAILS, false));
            b.traceId(string(map, TRACE, false));
            String parent = string(map, PARENT, false);
            b.parentId(parent == null ? null : UUID.fromString(parent));
            b.actor(string(map, ACTOR, false));
            Object metadata = map.get(METADATA);
            if (!(metadata instanceof Map)) {
                throw new CorruptRecordException("field '" + METADATA + "' is missing or not an object");
            }
            for (Map.Entry<?, ?> e : ((Map<?, ?>) metadata).entrySet()) {
                b.put((String) e.getKey(), e.getValue());
            }
            Object errors = map.get(ERRORS);
            if (errors != null) {
                if (!(errors instanceof List)) {
                    throw new CorruptRecordException("field '" + ERRORS + "' is not an array");
                }
                List<String> list = new ArrayList<>();
                for (Object o : (List<?>) errors) {
                    list.add(String.valueOf(o));
                }
                b.validationErrors(list);
            }
            MetadataRecord r = b.build();
            checkHash(r, string(map, HASH, true));
            return r;
        } catch (CorruptRecordException e) {
            throw e;
        } catch (InvalidMetadataException e) {
            throw new CorruptRecordException(e.getMessage()); // already names the key path
        } catch (IllegalArgumentException | DateTimeParseException e) {
            // Stage.parse, UUID.fromString and Instant.parse name the bad value
            throw new CorruptRecordException("bad field value: " + e.getMessage());
        }
    }

    /** Throws unless {@code storedHash} is the hash of {@code r}'s metadata. */
    public static void checkHash(MetadataRecord r, String storedHash) {
        if (!CanonicalJson.sameDigest(storedHash, r.metadataHash())) {
            throw new CorruptRecordException("record " + r.id() + ": metadata_hash " + storedHash
                    + " does not match its metadata (sha256 " + r.metadataHash() + "); the record was altered");
        }
    }

    private static String string(Map<?, ?> map, String field, boolean required) {
        Object v = map.get(field);
        if (v == null) {
            if (required) {
                throw new CorruptRecordException("field '" + field + "' is missing");
            }
            return null;
        }
        if (!(v instanceof String)) {
            throw new CorruptRecordException("field '" + field + "' is not a string");
        }
        return (String) v;
    }

    static String firstLine(String s) {
        if (s == null) {
            return "no detail";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
