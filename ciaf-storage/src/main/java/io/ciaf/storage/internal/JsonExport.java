package io.ciaf.storage.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.ciaf.api.MetadataRecord;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.util.Map;

/** Internal. The JSON export: an array of record objects, one per line, readable and diff-friendly. */
public final class JsonExport {

    private JsonExport() {
    }

    public static void write(Iterable<MetadataRecord> records, Writer out) throws IOException {
        out.write("[");
        boolean first = true;
        for (MetadataRecord r : records) {
            out.write(first ? "\n" : ",\n");
            first = false;
            out.write(RecordJson.toJson(r));
        }
        out.write(first ? "]\n" : "\n]\n");
    }

    /** Reads an export (a JSON array) or JSON Lines (the json backend's files), reporting each bad entry. */
    public static void read(Reader in, RecordSink sink) throws IOException {
        try (JsonParser p = RecordJson.MAPPER.createParser(in)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return;
            }
            boolean array = first == JsonToken.START_ARRAY;
            long index = 0;
            JsonToken t = array ? p.nextToken() : first;
            while (t != null && t != JsonToken.END_ARRAY) {
                index++;
                if (t != JsonToken.START_OBJECT) {
                    throw new CorruptRecordException("entry " + index + " is not a JSON object");
                }
                Map<?, ?> map = RecordJson.MAPPER.readValue(p, Map.class);
                try {
                    sink.record(RecordJson.fromMap(map));
                } catch (CorruptRecordException e) {
                    sink.problem(index, e.getMessage());
                }
                t = p.nextToken();
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new CorruptRecordException("not valid JSON at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
        }
    }
}
