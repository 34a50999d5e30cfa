package io.ciaf.samples.credit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The German Credit data (Statlog; 1,000 applicants, 20 attributes and the class good/bad), read from the
 * {@code credit-g.arff} file the build extracts from the weka-stable jar.
 */
public final class CreditData {

    /** Where the build puts the file on the class path. */
    public static final String RESOURCE = "/credit-data/credit-g.arff";

    /** One applicant: the attribute values (numbers as Double, nominal values as String) and the class. */
    public record Applicant(int row, Map<String, Object> values, boolean good) {

        public String sex() {
            return sexOf(values);
        }

        public String ageGroup() {
            return ageGroupOf(values);
        }
    }

    /** {@code female} or {@code male}, from an application's {@code personal_status}. */
    public static String sexOf(Map<String, Object> values) {
        return String.valueOf(values.get("personal_status")).startsWith("female") ? "female" : "male";
    }

    /** {@code under_25} or {@code 25_and_over}: the age split of the fairness literature on this data. */
    public static String ageGroupOf(Map<String, Object> values) {
        return ((Double) values.get("age")) < 25 ? "under_25" : "25_and_over";
    }

    private final List<String> attributes;
    private final Map<String, List<String>> nominal;
    private final List<Applicant> applicants;

    private CreditData(List<String> attributes, Map<String, List<String>> nominal, List<Applicant> applicants) {
        this.attributes = List.copyOf(attributes);
        this.nominal = Collections.unmodifiableMap(nominal);
        this.applicants = List.copyOf(applicants);
    }

    /** Every attribute name in file order, the class last. */
    public List<String> attributes() {
        return attributes;
    }

    /** The allowed values of a nominal attribute; empty for a numeric one. */
    public List<String> values(String attribute) {
        return nominal.getOrDefault(attribute, List.of());
    }

    public List<Applicant> applicants() {
        return applicants;
    }

    /** Reads the file from the class path. */
    public static CreditData load() {
        try (InputStream in = CreditData.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the class path: build the sample with Maven,"
                        + " which extracts it from the weka-stable jar");
            }
            return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    static CreditData parse(BufferedReader reader) throws IOException {
        List<String> attributes = new ArrayList<>();
        Map<String, List<String>> nominal = new LinkedHashMap<>();
        List<Applicant> applicants = new ArrayList<>();
        boolean data = false;
        String line;
        int lineNo = 0;
        while ((line = reader.readLine()) != null) {
            lineNo++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("%")) {
                continue;
            }
            String lower = t.toLowerCase(Locale.ROOT);
            if (!data && lower.startsWith("@attribute")) {
                String rest = t.substring("@attribute".length()).strip();
                int space = rest.indexOf(' ');
                String name = rest.substring(0, space);
                String type = rest.substring(space).strip();
                attributes.add(name);
                if (type.startsWith("{")) {
                    nominal.put(name, split(type.substring(1, type.lastIndexOf('}'))));
                }
            } else if (lower.startsWith("@data")) {
                data = true;
            } else if (data) {
                List<String> cells = split(t);
                if (cells.size() != attributes.size()) {
                    throw new IllegalArgumentException("line " + lineNo + " has " + cells.size() + " values; "
                            + attributes.size() + " attributes are declared");
                }
                Map<String, Object> values = new LinkedHashMap<>();
                for (int i = 0; i < cells.size() - 1; i++) {
                    String a = attributes.get(i);
                    values.put(a, nominal.containsKey(a) ? cells.get(i) : Double.valueOf(cells.get(i)));
                }
                applicants.add(new Applicant(applicants.size(), values, cells.get(cells.size() - 1).equals("good")));
            }
        }
        return new CreditData(attributes, nominal, applicants);
    }

    /** Comma-separated values, each optionally in single quotes. */
    static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\'') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                out.add(cur.toString().strip());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString().strip());
        return out;
    }
}
