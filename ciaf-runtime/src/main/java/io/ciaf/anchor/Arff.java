package io.ciaf.anchor;

import java.util.List;

/** Reads an ARFF {@code @attribute name type} line. */
final class Arff {

    private Arff() {
    }

    /** [name, type] of an attribute line; the type is NUMERIC, STRING, DATE or the nominal set as written. */
    static List<String> attribute(String line, long lineNumber) {
        String rest = line.substring("@attribute".length()).trim();
        String name;
        if (rest.startsWith("'") || rest.startsWith("\"")) {
            char q = rest.charAt(0);
            int end = rest.indexOf(q, 1);
            if (end < 0) {
                throw new IllegalArgumentException("line " + lineNumber + ": the attribute name's quote is not closed");
            }
            name = rest.substring(1, end);
            rest = rest.substring(end + 1).trim();
        } else {
            int space = rest.indexOf(' ');
            int tab = rest.indexOf('\t');
            int end = space < 0 ? tab : tab < 0 ? space : Math.min(space, tab);
            if (end < 0) {
                throw new IllegalArgumentException("line " + lineNumber + ": an @attribute needs a name and a type");
            }
            name = rest.substring(0, end);
            rest = rest.substring(end).trim();
        }
        String type = rest.startsWith("{") ? "nominal " + rest : rest.toLowerCase(java.util.Locale.ROOT);
        return List.of(name, type);
    }
}
