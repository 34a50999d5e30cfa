package io.ciaf.api.internal;

import io.ciaf.api.InvalidMetadataException;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Internal, not for public use. Turns caller-supplied values into the JSON data model CIAF stores:
 * {@code null}, {@link String}, {@link Boolean}, {@link Long}, {@link BigInteger} (beyond long range),
 * {@link Double} (finite), unmodifiable {@link List} and unmodifiable {@link Map} with {@code String} keys.
 * Anything else is refused with an {@link InvalidMetadataException} naming the key path.
 */
public final class JsonValues {

    /** Nesting deeper than this is refused; it is almost always a cycle. */
    public static final int MAX_DEPTH = 64;

    private JsonValues() {
    }

    /**
     * Normalizes {@code value} found at {@code path}.
     *
     * @throws InvalidMetadataException naming the path of the first value that is not JSON-compatible
     */
    public static Object normalize(Object value, String path) {
        return normalize(value, path, 0);
    }

    private static Object normalize(Object value, String path, int depth) {
        if (depth > MAX_DEPTH) {
            throw new InvalidMetadataException(path, "nested deeper than " + MAX_DEPTH
                    + " levels; is the structure cyclic? Store a summary instead");
        }
        Object plain = scalar(value);
        if (plain != SLOW) {
            return plain;
        }
        if (value instanceof Frozen) {
            return value; // made by this class: normalized already, and nobody can change it
        }
        // What is left of the plain kinds are the ones with a problem to name: unpaired surrogates, NaN.
        if (value instanceof String) {
            return checkString((String) value, path);
        }
        if (value instanceof Character) {
            return checkString(value.toString(), path);
        }
        if (value instanceof Double) {
            return checkDouble((Double) value, path);
        }
        if (value instanceof Float) {
            float f = (Float) value;
            checkDouble((double) f, path);
            // The decimal the caller wrote (0.1f), not the float's binary expansion (0.10000000149...).
            return checkDouble(Double.parseDouble(Float.toString(f)), path);
        }
        if (value instanceof BigInteger) {
            BigInteger big = (BigInteger) value;
            return big.bitLength() < 64 ? (Object) big.longValue() : big;
        }
        if (value instanceof BigDecimal) {
            return normalizeDecimal((BigDecimal) value, path);
        }
        if (value instanceof Map) {
            Map<?, ?> map = (Map<?, ?>) value;
            Map<String, Object> out = new LinkedHashMap<>(Math.max(4, map.size() * 2));
            for (Map.Entry<?, ?> e : map.entrySet()) {
                Object key = e.getKey();
                if (!(key instanceof String)) {
                    throw new InvalidMetadataException(path, "map key " + describe(key)
                            + " is not a String; JSON object keys must be strings");
                }
                String k = checkString((String) key, path);
                Object v = e.getValue();
                Object fast = scalar(v);
                out.put(k, fast != SLOW ? fast : v instanceof Frozen ? v : normalize(v, child(path, k), depth + 1));
            }
            return new FrozenMap(out);
        }
        if (value instanceof Collection) {
            Collection<?> items = (Collection<?>) value;
            List<Object> out = new ArrayList<>(items.size());
            int i = 0;
            for (Object item : items) {
                Object fast = scalar(item);
                out.add(fast != SLOW ? fast : item instanceof Frozen ? item : normalize(item, path + "[" + i + "]",
                        depth + 1));
                i++;
            }
            return new FrozenList(out);
        }
        if (value instanceof char[]) {
            return checkString(new String((char[]) value), path);
        }
        if (value.getClass().isArray()) {
            int n = Array.getLength(value);
            List<Object> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Object item = Array.get(value, i);
                Object fast = scalar(item);
                out.add(fast != SLOW ? fast : normalize(item, path + "[" + i + "]", depth + 1));
            }
            return new FrozenList(out);
        }
        throw new InvalidMetadataException(path, "a " + value.getClass().getName()
                + " is not JSON-compatible; store a String, number, boolean, null, List or Map"
                + " (for example its toString() or a few of its fields)");
    }

    /**
     * Normalizes the value of member {@code key} of the object at {@code parent}, checking the key too; the
     * member's path (for the error message) is only built when there is an error to name.
     */
    public static Object member(String parent, String key, Object value) {
        if (scalar(key) == SLOW) {
            checkString(key, child(parent, key));
        }
        Object fast = scalar(value);
        if (fast != SLOW) {
            return fast;
        }
        return value instanceof Frozen ? value : normalize(value, child(parent, key), 0);
    }

    private static final Object SLOW = new Object();

    /**
     * What {@link #normalize} returns for maps and lists: unmodifiable, and recognized when passed in again (a
     * record built from captured values, a commitment to an argument), so a value is normalized only once.
     */
    private interface Frozen {
    }

    private static final class FrozenMap extends AbstractMap<String, Object> implements Frozen {
        private final Map<String, Object> view;

        FrozenMap(Map<String, Object> map) {
            this.view = Collections.unmodifiableMap(map);
        }

        @Override
        public int size() {
            return view.size();
        }

        @Override
        public boolean isEmpty() {
            return view.isEmpty();
        }

        @Override
        public Object get(Object key) {
            return view.get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            return view.containsKey(key);
        }

        @Override
        public Set<String> keySet() {
            return view.keySet();
        }

        @Override
        public Collection<Object> values() {
            return view.values();
        }

        @Override
        public Set<Map.Entry<String, Object>> entrySet() {
            return view.entrySet();
        }

        @Override
        public void forEach(BiConsumer<? super String, ? super Object> action) {
            view.forEach(action);
        }

        @Override
        public boolean equals(Object o) {
            return o == this || view.equals(o);
        }

        @Override
        public int hashCode() {
            return view.hashCode();
        }
    }

    private static final class FrozenList extends AbstractList<Object> implements RandomAccess, Frozen {
        private final List<Object> view;

        FrozenList(List<Object> list) {
            this.view = Collections.unmodifiableList(list);
        }

        @Override
        public Object get(int index) {
            return view.get(index);
        }

        @Override
        public int size() {
            return view.size();
        }

        @Override
        public Iterator<Object> iterator() {
            return view.iterator();
        }

        @Override
        public boolean equals(Object o) {
            return o == this || view.equals(o);
        }

        @Override
        public int hashCode() {
            return view.hashCode();
        }
    }

    // The common leaves, normalized without building their key path (which only an error message needs).
    private static Object scalar(Object v) {
        if (v == null || v instanceof Boolean || v instanceof Long) {
            return v;
        }
        if (v instanceof String s) {
            for (int i = 0; i < s.length(); i++) {
                if (Character.isSurrogate(s.charAt(i))) {
                    return SLOW;
                }
            }
            return s;
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Double d && Double.isFinite(d)) {
            return d == 0 ? 0.0 : d;
        }
        return SLOW;
    }

    private static String checkString(String s, String path) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                throw new InvalidMetadataException(path, "string has an unpaired surrogate at index " + i
                        + "; it cannot be encoded as UTF-8");
            }
            if (Character.isLowSurrogate(c)) {
                throw new InvalidMetadataException(path, "string has an unpaired surrogate at index " + i
                        + "; it cannot be encoded as UTF-8");
            }
        }
        return s;
    }

    private static Double checkDouble(double d, String path) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new InvalidMetadataException(path, d + " is not a JSON number; store null or a string"
                    + " such as \"NaN\" if the value is meaningful");
        }
        return d == 0 ? 0.0 : d; // -0.0 and 0.0 are the same JSON number
    }

    private static Object normalizeDecimal(BigDecimal decimal, String path) {
        BigDecimal stripped = decimal.stripTrailingZeros();
        if (stripped.scale() <= 0) {
            return normalize(stripped.toBigIntegerExact(), path);
        }
        double d = decimal.doubleValue();
        if (!Double.isInfinite(d) && new BigDecimal(CanonicalJson.formatDouble(d)).compareTo(decimal) == 0) {
            return d == 0 ? 0.0 : d;
        }
        throw new InvalidMetadataException(path, "BigDecimal " + decimal.toPlainString()
                + " has more precision than a JSON number keeps in most readers; store it as a String");
    }

    /** The path of a map entry: {@code parent.key}, or {@code parent["odd.key"]} when the key needs quoting. */
    public static String child(String parent, String key) {
        boolean plain = !key.isEmpty();
        for (int i = 0; i < key.length() && plain; i++) {
            char c = key.charAt(i);
            plain = Character.isLetterOrDigit(c) || c == '_' || c == '-';
        }
        if (plain) {
            return parent.isEmpty() ? key : parent + "." + key;
        }
        StringBuilder quoted = new StringBuilder(parent).append('[');
        CanonicalJson.writeString(key, quoted);
        return quoted.append(']').toString();
    }

    private static String describe(Object key) {
        return key == null ? "null" : "'" + key + "' (" + key.getClass().getName() + ")";
    }
}
