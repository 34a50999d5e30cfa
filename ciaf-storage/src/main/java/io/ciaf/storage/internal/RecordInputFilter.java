package io.ciaf.storage.internal;

import java.io.ObjectInputFilter;
import java.util.Set;

/**
 * Internal. The allowlist for reading {@link SerializedRecord}s (JEP 290): the record class and the plain JDK
 * value types its metadata is made of, and nothing else. The filter sees each class before any instance of
 * it is created, so a hostile class never runs its {@code readObject}. It remembers the first class it
 * refused so the error can name it.
 */
final class RecordInputFilter implements ObjectInputFilter {

    private static final Set<String> ALLOWED = Set.of(
            SerializedRecord.class.getName(),
            "java.lang.String", "java.lang.Boolean", "java.lang.Number", "java.lang.Long", "java.lang.Double",
            "java.math.BigInteger", "java.util.ArrayList", "java.util.HashMap", "java.util.LinkedHashMap");

    static final int MAX_DEPTH = 100;
    static final long MAX_REFERENCES = 1_000_000;

    private final long maxBytes;
    private String refused;

    RecordInputFilter(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public Status checkInput(FilterInfo info) {
        if (info.depth() > MAX_DEPTH || info.references() > MAX_REFERENCES || info.streamBytes() > maxBytes) {
            return reject("(limits: depth " + info.depth() + ", references " + info.references() + ", bytes "
                    + info.streamBytes() + ")");
        }
        Class<?> c = info.serialClass();
        if (c == null) {
            return Status.UNDECIDED;
        }
        if (c.isArray()) {
            // BigInteger's magnitude is an int[]; HashMap and ArrayList announce the Map.Entry[] and Object[]
            // they size on reading (their elements still pass this filter one by one)
            if (c == int[].class || c == byte[].class || c == Object[].class || c == java.util.Map.Entry[].class) {
                return Status.ALLOWED;
            }
            return reject(c.getName());
        }
        return ALLOWED.contains(c.getName()) ? Status.ALLOWED : reject(c.getName());
    }

    private Status reject(String what) {
        if (refused == null) {
            refused = what;
        }
        return Status.REJECTED;
    }

    /** The first class (or limit) refused, or null. */
    String refused() {
        return refused;
    }
}
