package io.ciaf.storage.internal;

import io.ciaf.api.MetadataRecord;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Internal. The CSV export: RFC 4180 (CRLF line ends, fields quoted when they hold a comma, quote or line
 * break), a header row, one record per row. {@code metadata} holds the canonical JSON and
 * {@code validation_errors} a JSON array. An empty optional field reads back as absent.
 */
public final class CsvExport {

    static final List<String> HEADER = List.of(RecordJson.ID, RecordJson.TIMESTAMP, RecordJson.MODEL,
            RecordJson.VERSION, RecordJson.STAGE, RecordJson.EVENT, RecordJson.DETAILS, RecordJson.HASH,
            RecordJson.METADATA, RecordJson.TRACE, RecordJson.PARENT, RecordJson.ACTOR, RecordJson.ERRORS);

    private CsvExport() {
    }

    public static void write(Iterable<MetadataRecord> records, Writer out) throws IOException {
        writeRow(HEADER, out);
        for (MetadataRecord r : records) {
            List<String> row = new ArrayList<>(HEADER.size());
            row.add(r.id().toString());
            row.add(r.timestamp().toString());
            row.add(r.model());
            row.add(r.version().orElse(""));
            row.add(r.stage().wireName());
            row.add(r.eventType());
            row.add(r.details().orElse(""));
            row.add(r.metadataHash());
            row.add(r.metadataJson());
            row.add(r.traceId().orElse(""));
            row.add(r.parentId().map(UUID::toString).orElse(""));
            row.add(r.actor().orElse(""));
            row.add(r.validationErrors().isEmpty() ? "" : RecordJson.MAPPER.writeValueAsString(r.validationErrors()));
            writeRow(row, out);
        }
    }

    private static void writeRow(List<String> fields, Writer out) throws IOException {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            String f = fields.get(i);
            if (f.indexOf(',') >= 0 || f.indexOf('"') >= 0 || f.indexOf('\n') >= 0 || f.indexOf('\r') >= 0) {
                out.write('"');
                out.write(f.replace("\"", "\"\""));
                out.write('"');
            } else {
                out.write(f);
            }
        }
        out.write("\r\n");
    }

    public static void read(Reader in, RecordSink sink) throws IOException {
        CsvReader csv = new CsvReader(in);
        List<String> header = csv.next();
        if (header == null) {
            return;
        }
        Map<String, Integer> column = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            column.put(header.get(i).trim(), i);
        }
        for (String required : List.of(RecordJson.ID, RecordJson.TIMESTAMP, RecordJson.MODEL, RecordJson.STAGE,
                RecordJson.EVENT, RecordJson.HASH, RecordJson.METADATA)) {
            if (!column.containsKey(required)) {
                throw new CorruptRecordException("CSV header has no '" + required + "' column; expected " + HEADER);
            }
        }
        List<String> row;
        while ((row = csv.next()) != null) {
            long line = csv.rowStartLine();
            if (row.size() == 1 && row.get(0).isEmpty()) {
                continue;
            }
            try {
                Map<String, Object> map = new HashMap<>();
                for (Map.Entry<String, Integer> c : column.entrySet()) {
                    if (c.getValue() >= row.size()) {
                        throw new CorruptRecordException("row has " + row.size() + " fields; the header has "
                                + header.size());
                    }
                    String v = row.get(c.getValue());
                    if (v.isEmpty()) {
                        continue;
                    }
                    if (c.getKey().equals(RecordJson.METADATA) || c.getKey().equals(RecordJson.ERRORS)) {
                        map.put(c.getKey(), RecordJson.MAPPER.readValue(v, Object.class));
                    } else {
                        map.put(c.getKey(), v);
                    }
                }
                sink.record(RecordJson.fromMap(map));
            } catch (CorruptRecordException e) {
                sink.problem(line, e.getMessage());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                sink.problem(line, "a JSON field is not valid JSON: " + e.getOriginalMessage());
            }
        }
    }

    /** RFC 4180 rows, quoted fields may span lines; tracks the line each row starts on. */
    private static final class CsvReader {
        private final Reader in;
        private int peeked = -2;
        private long line = 1;
        private long rowStart = 1;

        CsvReader(Reader in) {
            this.in = in;
        }

        long rowStartLine() {
            return rowStart;
        }

        private int read() throws IOException {
            if (peeked != -2) {
                int c = peeked;
                peeked = -2;
                return c;
            }
            return in.read();
        }

        List<String> next() throws IOException {
            int c = read();
            if (c == -1) {
                return null;
            }
            rowStart = line;
            List<String> fields = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            while (true) {
                if (quoted) {
                    if (c == -1) {
                        throw new CorruptRecordException("CSV row starting at line " + rowStart
                                + " has an unterminated quoted field");
                    }
                    if (c == '"') {
                        int n = read();
                        if (n == '"') {
                            field.append('"');
                        } else {
                            quoted = false;
                            peeked = n;
                        }
                    } else {
                        if (c == '\n') {
                            line++;
                        }
                        field.append((char) c);
                    }
                } else if (c == '"' && field.length() == 0) {
                    quoted = true;
                } else if (c == ',') {
                    fields.add(field.toString());
                    field.setLength(0);
                } else if (c == '\r' || c == '\n' || c == -1) {
                    if (c == '\r') {
                        int n = read();
                        if (n != '\n') {
                            peeked = n;
                        }
                    }
                    if (c != -1) {
                        line++;
                    }
                    fields.add(field.toString());
                    return fields;
                } else {
                    field.append((char) c);
                }
                c = read();
            }
        }
    }
}
