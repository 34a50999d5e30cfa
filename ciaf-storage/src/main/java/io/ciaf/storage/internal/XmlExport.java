package io.ciaf.storage.internal;

import io.ciaf.api.MetadataRecord;
import io.ciaf.api.internal.CanonicalJson;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Internal. The XML export. Record fields are attributes of {@code <record>}; metadata values are typed
 * {@code <value key=".." type="string|number|boolean|null|object|array">} elements, so the export reads back
 * to the same values. Text that XML 1.0 cannot carry (control characters) is written as a JSON string
 * literal with {@code encoding="json"}. The reader refuses DTDs and external entities.
 */
public final class XmlExport {

    private XmlExport() {
    }

    public static void write(Iterable<MetadataRecord> records, Writer out) throws IOException {
        out.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ciaf-metadata format-version=\"1\">\n");
        for (MetadataRecord r : records) {
            out.write("  <record");
            attr(out, RecordJson.ID, r.id().toString());
            attr(out, RecordJson.TIMESTAMP, r.timestamp().toString());
            attr(out, RecordJson.MODEL, r.model());
            attr(out, RecordJson.VERSION, r.version().orElse(null));
            attr(out, RecordJson.STAGE, r.stage().wireName());
            attr(out, RecordJson.EVENT, r.eventType());
            attr(out, RecordJson.HASH, r.metadataHash());
            attr(out, RecordJson.TRACE, r.traceId().orElse(null));
            attr(out, RecordJson.PARENT, r.parentId().map(UUID::toString).orElse(null));
            attr(out, RecordJson.ACTOR, r.actor().orElse(null));
            out.write(">\n");
            if (r.details().isPresent()) {
                out.write("    ");
                textElement(out, RecordJson.DETAILS, "", r.details().get());
                out.write("\n");
            }
            out.write("    <metadata type=\"object\">");
            children(out, r.metadata(), "      ");
            out.write("</metadata>\n");
            if (!r.validationErrors().isEmpty()) {
                out.write("    <validation_errors>");
                for (String e : r.validationErrors()) {
                    textElement(out, "error", "", e);
                }
                out.write("</validation_errors>\n");
            }
            out.write("  </record>\n");
        }
        out.write("</ciaf-metadata>\n");
    }

    private static void children(Writer out, Map<?, ?> map, String indent) throws IOException {
        if (map.isEmpty()) {
            return;
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            out.write("\n" + indent);
            value(out, (String) e.getKey(), e.getValue(), indent);
        }
        out.write("\n" + indent.substring(2));
    }

    private static void value(Writer out, String key, Object v, String indent) throws IOException {
        String keyAttr = "";
        if (key != null) {
            StringBuilder a = new StringBuilder();
            if (xmlSafe(key)) {
                a.append(" key=\"").append(escape(key, true)).append('"');
            } else {
                StringBuilder json = new StringBuilder();
                CanonicalJson.writeString(key, json);
                a.append(" key=\"").append(escape(json.toString(), true)).append("\" key-encoding=\"json\"");
            }
            keyAttr = a.toString();
        }
        if (v == null) {
            out.write("<value" + keyAttr + " type=\"null\"/>");
        } else if (v instanceof String) {
            textElement(out, "value", keyAttr + " type=\"string\"", (String) v);
        } else if (v instanceof Boolean) {
            out.write("<value" + keyAttr + " type=\"boolean\">" + v + "</value>");
        } else if (v instanceof Double) {
            out.write("<value" + keyAttr + " type=\"number\">" + CanonicalJson.formatDouble((Double) v) + "</value>");
        } else if (v instanceof Number) {
            out.write("<value" + keyAttr + " type=\"number\">" + v + "</value>");
        } else if (v instanceof Map) {
            out.write("<value" + keyAttr + " type=\"object\">");
            children(out, (Map<?, ?>) v, indent + "  ");
            out.write("</value>");
        } else {
            out.write("<value" + keyAttr + " type=\"array\">");
            List<?> items = (List<?>) v;
            for (Object item : items) {
                out.write("\n" + indent + "  ");
                value(out, null, item, indent + "  ");
            }
            if (!items.isEmpty()) {
                out.write("\n" + indent);
            }
            out.write("</value>");
        }
    }

    private static void textElement(Writer out, String name, String attrs, String text) throws IOException {
        if (xmlSafe(text)) {
            out.write("<" + name + attrs + ">" + escape(text, false) + "</" + name + ">");
        } else {
            StringBuilder json = new StringBuilder();
            CanonicalJson.writeString(text, json);
            out.write("<" + name + attrs + " encoding=\"json\">" + escape(json.toString(), false) + "</" + name + ">");
        }
    }

    private static void attr(Writer out, String name, String value) throws IOException {
        if (value != null) {
            out.write(" " + name + "=\"" + escape(value, true) + "\"");
        }
    }

    private static boolean xmlSafe(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0xFFFE || c == 0xFFFF) {
                return false;
            }
        }
        return true;
    }

    private static String escape(String s, boolean attribute) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&': out.append("&amp;"); break;
                case '<': out.append("&lt;"); break;
                case '>': out.append("&gt;"); break;
                case '"': out.append(attribute ? "&quot;" : "\""); break;
                // parsers normalize a raw CR (and, in attributes, tab and LF) away; references survive
                case '\r': out.append("&#13;"); break;
                case '\n': out.append(attribute ? "&#10;" : "\n"); break;
                case '\t': out.append(attribute ? "&#9;" : "\t"); break;
                default: out.append(c);
            }
        }
        return out.toString();
    }

    public static void read(Reader in, RecordSink sink) throws IOException {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_COALESCING, true);
        long index = 0;
        try {
            XMLStreamReader x = factory.createXMLStreamReader(in);
            while (x.hasNext()) {
                if (x.next() == XMLStreamConstants.START_ELEMENT && x.getLocalName().equals("record")) {
                    index++;
                    Map<String, Object> fields;
                    try {
                        fields = record(x);
                    } catch (CorruptRecordException e) {
                        // the structure is broken: where the next record starts is unknown
                        throw new CorruptRecordException("record " + index + ": " + e.getMessage());
                    }
                    try {
                        sink.record(RecordJson.fromMap(fields));
                    } catch (CorruptRecordException e) {
                        sink.problem(index, e.getMessage());
                    }
                }
            }
        } catch (XMLStreamException e) {
            throw new CorruptRecordException("not valid XML near record " + (index + 1) + ": " + e.getMessage());
        }
    }

    private static Map<String, Object> record(XMLStreamReader x) throws XMLStreamException {
        Map<String, Object> map = new HashMap<>();
        for (int i = 0; i < x.getAttributeCount(); i++) {
            map.put(x.getAttributeLocalName(i), x.getAttributeValue(i));
        }
        while (true) {
            int ev = x.nextTag();
            if (ev == XMLStreamConstants.END_ELEMENT) {
                return map;
            }
            switch (x.getLocalName()) {
                case "details":
                    map.put(RecordJson.DETAILS, text(x));
                    break;
                case "metadata":
                    map.put(RecordJson.METADATA, object(x));
                    break;
                case "validation_errors":
                    List<String> errors = new ArrayList<>();
                    while (x.nextTag() == XMLStreamConstants.START_ELEMENT) {
                        errors.add(text(x));
                    }
                    map.put(RecordJson.ERRORS, errors);
                    break;
                default:
                    throw new CorruptRecordException("unexpected element <" + x.getLocalName() + "> in <record>");
            }
        }
    }

    private static Map<String, Object> object(XMLStreamReader x) throws XMLStreamException {
        Map<String, Object> map = new LinkedHashMap<>();
        while (x.nextTag() == XMLStreamConstants.START_ELEMENT) {
            String key = x.getAttributeValue(null, "key");
            if (key == null) {
                throw new CorruptRecordException("<value> inside an object has no key attribute");
            }
            if ("json".equals(x.getAttributeValue(null, "key-encoding"))) {
                key = jsonString(key);
            }
            map.put(key, value(x));
        }
        return map;
    }

    private static Object value(XMLStreamReader x) throws XMLStreamException {
        String type = x.getAttributeValue(null, "type");
        if (type == null) {
            throw new CorruptRecordException("<value> has no type attribute");
        }
        switch (type) {
            case "null":
                x.getElementText();
                return null;
            case "string":
                return text(x);
            case "boolean":
                String b = x.getElementText().trim();
                if (!b.equals("true") && !b.equals("false")) {
                    throw new CorruptRecordException("boolean value '" + b + "' is neither true nor false");
                }
                return Boolean.valueOf(b);
            case "number":
                return number(x.getElementText().trim());
            case "object":
                return object(x);
            case "array":
                List<Object> items = new ArrayList<>();
                while (x.nextTag() == XMLStreamConstants.START_ELEMENT) {
                    items.add(value(x));
                }
                return items;
            default:
                throw new CorruptRecordException("unknown value type '" + type + "'");
        }
    }

    private static Object number(String s) {
        try {
            if (s.indexOf('.') >= 0 || s.indexOf('e') >= 0 || s.indexOf('E') >= 0) {
                return Double.parseDouble(s);
            }
            return new BigInteger(s);
        } catch (NumberFormatException e) {
            throw new CorruptRecordException("'" + s + "' is not a number");
        }
    }

    private static String text(XMLStreamReader x) throws XMLStreamException {
        boolean json = "json".equals(x.getAttributeValue(null, "encoding"));
        String t = x.getElementText();
        return json ? jsonString(t) : t;
    }

    private static String jsonString(String literal) {
        try {
            return RecordJson.MAPPER.readValue(literal, String.class);
        } catch (IOException e) {
            throw new CorruptRecordException("encoding=\"json\" text is not a JSON string: " + literal);
        }
    }
}
