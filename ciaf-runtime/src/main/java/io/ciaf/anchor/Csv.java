package io.ciaf.anchor;

import java.util.ArrayList;
import java.util.List;

/** Splits one CSV (RFC 4180) or ARFF data line into fields: commas, double or single quotes, "" escapes. */
final class Csv {

    private Csv() {
    }

    static List<String> split(String line, long lineNumber) {
        List<String> out = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        int n = line.length();
        while (true) {
            field.setLength(0);
            while (i < n && line.charAt(i) == ' ') {
                i++;
            }
            if (i < n && (line.charAt(i) == '"' || line.charAt(i) == '\'')) {
                char q = line.charAt(i++);
                boolean closed = false;
                while (i < n) {
                    char c = line.charAt(i++);
                    if (c == q) {
                        if (i < n && line.charAt(i) == q) {
                            field.append(q);
                            i++;
                        } else {
                            closed = true;
                            break;
                        }
                    } else {
                        field.append(c);
                    }
                }
                if (!closed) {
                    throw new IllegalArgumentException("line " + lineNumber + ": a quoted field is not closed");
                }
                while (i < n && line.charAt(i) != ',') {
                    i++;
                }
            } else {
                int start = i;
                while (i < n && line.charAt(i) != ',') {
                    i++;
                }
                field.append(line, start, i);
                while (field.length() > 0 && field.charAt(field.length() - 1) == ' ') {
                    field.setLength(field.length() - 1);
                }
            }
            out.add(field.toString());
            if (i >= n) {
                return out;
            }
            i++; // the comma
        }
    }
}
