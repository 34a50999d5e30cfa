package io.ciaf.api.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Internal, not for public use. Writes normalized values (see {@link JsonValues}) as canonical JSON:
 * object keys sorted by UTF-16 code units, no insignificant whitespace, strings escaped as in RFC 8785.
 *
 * <p>Numbers: integers are written exactly. A double is written with the fewest significant digits that
 * read back as the same double, in RFC 8785 layout, and always with a fraction or exponent ({@code 1.0},
 * not {@code 1}) so that a reader gets a floating-point value back. A hash computed on one JDK must match on
 * every other, and {@link Double#toString}'s output changed between JDK 17 and 19: it is taken as it is only on
 * 19 and later; before, the digits come from jackson-core's writer when it is present and checked, else they
 * are computed from the exact binary value with {@link BigDecimal} (see {@link #shortestDigitsSource}).
 */
public final class CanonicalJson {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private CanonicalJson() {
    }

    /** Canonical JSON text of a normalized value. */
    public static String write(Object value) {
        // a captured call's metadata is a few hundred characters: start there rather than grow three times
        StringBuilder out = new StringBuilder(value instanceof Map ? 512 : 64);
        write(value, out);
        return out.toString();
    }

    /** Appends the canonical JSON text of a normalized value. */
    public static void write(Object value, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String) {
            writeString((String) value, out);
        } else if (value instanceof Boolean) {
            out.append(((Boolean) value) ? "true" : "false");
        } else if (value instanceof Long || value instanceof BigInteger) {
            out.append(value);
        } else if (value instanceof Double) {
            out.append(formatDouble((Double) value));
        } else if (value instanceof Map) {
            writeObject((Map<?, ?>) value, out);
        } else if (value instanceof List) {
            out.append('[');
            boolean first = true;
            for (Object item : (List<?>) value) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                write(item, out);
            }
            out.append(']');
        } else {
            throw new IllegalArgumentException("not a normalized JSON value: " + value.getClass().getName());
        }
    }

    private static void writeObject(Map<?, ?> map, StringBuilder out) {
        writeObject(map, null, null, out);
    }

    /**
     * Appends a normalized map as a canonical JSON object with one more member, {@code extraKey}, which the
     * map must not hold (null: none). Saves copying a map to add one field.
     */
    public static void writeObject(Map<?, ?> map, String extraKey, Object extraValue, StringBuilder out) {
        String[] keys = new String[map.size() + (extraKey == null ? 0 : 1)];
        int n = 0;
        for (Object key : map.keySet()) {
            keys[n++] = (String) key;
        }
        if (extraKey != null) {
            keys[n] = extraKey;
        }
        Arrays.sort(keys); // String.compareTo orders by UTF-16 code units, as RFC 8785 requires
        out.append('{');
        for (int i = 0; i < keys.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            String key = keys[i];
            writeString(key, out);
            out.append(':');
            write(key.equals(extraKey) ? extraValue : map.get(key), out);
        }
        out.append('}');
    }

    /**
     * Appends an object whose members' values are canonical JSON text already, in the order given: pass a
     * {@code TreeMap} in natural order, which is the canonical order.
     */
    public static void writeMembers(java.util.SortedMap<String, String> members, StringBuilder out) {
        if (members.comparator() != null) {
            throw new IllegalArgumentException("members must be in natural (UTF-16 code unit) order");
        }
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, String> m : members.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            writeString(m.getKey(), out);
            out.append(':').append(m.getValue());
        }
        out.append('}');
    }

    /** The length {@link #writeMembers} will write, to size a builder once. */
    public static int membersLength(Map<String, String> members) {
        int size = 2;
        for (Map.Entry<String, String> m : members.entrySet()) {
            size += m.getKey().length() + m.getValue().length() + 4;
        }
        return size;
    }

    /** {@code s} as a JSON string literal, escaped as RFC 8785 prescribes. */
    public static String quote(String s) {
        if (plainLength(s) == s.length()) {
            return "\"" + s + "\""; // nothing to escape (ids, hashes, names): one allocation of the exact size
        }
        StringBuilder out = new StringBuilder(s.length() + 8);
        writeString(s, out);
        return out.toString();
    }

    /** How many of {@code s}'s first characters need no escaping. */
    private static int plainLength(String s) {
        int plain = 0;
        while (plain < s.length()) {
            char c = s.charAt(plain);
            if (c < 0x20 || c == '"' || c == '\\') {
                break;
            }
            plain++;
        }
        return plain;
    }

    /** Appends a JSON string literal escaped as RFC 8785 prescribes. */
    public static void writeString(String s, StringBuilder out) {
        out.append('"');
        int plain = plainLength(s);
        if (plain == s.length()) {
            out.append(s).append('"');
            return;
        }
        out.append(s, 0, plain);
        for (int i = plain; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\b': out.append("\\b"); break;
                case '\f': out.append("\\f"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                default:
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    } else {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }

    /**
     * The canonical text of a finite double: shortest round-trip digits, RFC 8785 layout, and a
     * {@code .0} added when the layout would otherwise read back as an integer.
     */
    public static String formatDouble(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("JSON has no representation for " + d);
        }
        if (d == 0) {
            return "0.0"; // -0.0 too: RFC 8785 writes both as 0
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return (long) d + ".0";
        }
        BigDecimal shortest = shortestRoundTrip(d);
        String s = layout(shortest);
        return s.indexOf('.') >= 0 || s.indexOf('e') >= 0 ? s : s + ".0";
    }

    // Rounding the exact binary value to p significant digits reads back as d for every p at or above
    // the shortest that works (a p-digit number is also a (p+1)-digit one), so the shortest is the least p
    // that reads back.
    /**
     * Whether this JDK's {@link Double#toString} gives the shortest decimal that reads back, the nearest one
     * when several do, the even one on a tie (JDK 19 and later, JDK-4511638): for a normal double that is this
     * class's rule, so its text is taken as it is, for less than half the search's cost. Earlier JDKs sometimes
     * give more digits than needed. The canonical JSON tests run on both (ciaf-api's pom).
     */
    private static final boolean TO_STRING_IS_SHORTEST = Runtime.version().feature() >= 19;

    /**
     * Where this JVM takes the shortest digits of a normal double from: {@code "jdk"} ({@link Double#toString},
     * JDK 19 and later), {@code "jackson"} (jackson-core's writer, see {@link JacksonDigits}) or {@code "search"}
     * (this class's own way, from the exact binary value). All three give the same digits.
     */
    public static String shortestDigitsSource() {
        return TO_STRING_IS_SHORTEST ? "jdk" : JacksonDigits.AGREES_WITH_SEARCH ? "jackson" : "search";
    }

    /** The shortest decimal that reads back as the finite, non-zero {@code d} (nearest when tied). */
    public static BigDecimal shortestRoundTrip(double d) {
        // Fast path: any two decimals of at most 15 significant digits read back as different normal
        // doubles, so if Double.toString gives at most 15 digits that read back as d, no shorter digits
        // exist. Subnormals have less precision and always take the search.
        if (Math.abs(d) < Double.MIN_NORMAL) {
            return searchShortest(d);
        }
        if (TO_STRING_IS_SHORTEST) {
            return new BigDecimal(Double.toString(d)).stripTrailingZeros();
        }
        if (JacksonDigits.AGREES_WITH_SEARCH) {
            return new BigDecimal(JacksonDigits.text(d)).stripTrailingZeros();
        }
        String text = Double.toString(d);
        if (significantDigits(text) <= 15) {
            BigDecimal quick = new BigDecimal(text).stripTrailingZeros();
            if (quick.doubleValue() == d) {
                return quick;
            }
        }
        if (lopsided(d)) {
            return searchShortest(d);
        }
        return new Rounder(d).shortest();
    }

    /** How many significant digits a {@link Double#toString} text has, trailing zeros not counted. */
    private static int significantDigits(String text) {
        int first = -1;
        int last = -1;
        int count = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 'E') {
                break;
            }
            if (c >= '0' && c <= '9') {
                if (first < 0 && c == '0') {
                    continue; // leading zeros
                }
                count++;
                first = 0;
                if (c != '0') {
                    last = count;
                }
            }
        }
        return last < 0 ? 0 : last;
    }

    /**
     * Rounds one double's exact binary value to p significant digits, for any p up to 17, from a single
     * BigDecimal rounding to 17: rounding the 17-digit value again is exact except when the digits it drops
     * are exactly one half, and then the exact value is compared with it (the midpoint) to break the tie.
     * Most doubles with 16 or 17 digits need two such roundings checked, where the reference search needs
     * five BigDecimal roundings; the search is still the reference the tests hold this to. Only for a double whose
     * read-back interval is symmetric (not a power of two): there, the nearest decimal of p digits reads back
     * whenever any does.
     */
    private static final class Rounder {

        private static final MathContext SEVENTEEN = new MathContext(17, RoundingMode.HALF_EVEN);
        private static final long[] POW10 = new long[18];

        static {
            POW10[0] = 1;
            for (int i = 1; i < POW10.length; i++) {
                POW10[i] = POW10[i - 1] * 10;
            }
        }

        private final double d;
        private final BigDecimal exact;
        private final long digits17; // |the exact value rounded to 17 digits|, unscaled
        private final int precision17;
        private final int scale17;
        private int exactVersus17 = 2; // compareTo of |exact| with |rounded to 17|, computed when first needed

        Rounder(double d) {
            this.d = d;
            this.exact = new BigDecimal(d);
            BigDecimal r = exact.round(SEVENTEEN);
            this.digits17 = r.unscaledValue().abs().longValueExact();
            this.precision17 = r.precision();
            this.scale17 = r.scale();
        }

        BigDecimal shortest() {
            if (!readsBack(15)) {
                return (readsBack(16) ? rounded(16) : rounded(17)).stripTrailingZeros();
            }
            int lo = 1;
            int hi = 15;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (readsBack(mid)) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            return rounded(lo).stripTrailingZeros();
        }

        private boolean readsBack(int p) {
            return rounded(p).doubleValue() == d;
        }

        /** The exact value rounded to {@code p} significant digits (half even). */
        BigDecimal rounded(int p) {
            int drop = precision17 - p;
            long kept = digits17;
            if (drop > 0) {
                long unit = POW10[drop];
                kept = digits17 / unit;
                long rest = digits17 % unit;
                long half = unit / 2;
                int side = rest != half ? Long.compare(rest, half) : versus17();
                if (side > 0 || (side == 0 && (kept & 1) == 1)) {
                    kept++;
                }
            } else {
                drop = 0;
            }
            return BigDecimal.valueOf(d < 0 ? -kept : kept, scale17 - drop);
        }

        // The dropped digits are exactly one half of the last kept digit, so the 17-digit value is the
        // midpoint itself: which side of it the exact value lies decides.
        private int versus17() {
            if (exactVersus17 == 2) {
                BigDecimal r = BigDecimal.valueOf(d < 0 ? -digits17 : digits17, scale17);
                exactVersus17 = Integer.signum(exact.abs().compareTo(r.abs()));
            }
            return exactVersus17;
        }
    }

    /**
     * {@link #shortestRoundTrip} by search over the exact binary value: the reference, and the way for the doubles
     * the {@link Rounder} does not take (powers of two, subnormals).
     */
    public static BigDecimal searchShortest(double d) {
        BigDecimal exact = new BigDecimal(d);
        int lo = 1;
        int hi = 17; // 17 significant digits always read back
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (closestReadingBack(exact, d, mid) != null) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return closestReadingBack(exact, d, lo).stripTrailingZeros();
    }

    // What reads back as d is an interval around it, so if any decimal of p digits does, one of the two nearest
    // the exact value (one on each side) does: some decimal of p digits reads back for every p at or above the
    // shortest, which makes the search above a binary one. The nearest of the two is not always the one: at a
    // power of two the interval reaches twice as far above d as below.
    /** The decimal of {@code p} significant digits closest to {@code exact} that reads back as d, or null. */
    private static BigDecimal closestReadingBack(BigDecimal exact, double d, int p) {
        BigDecimal towardZero = exact.round(new MathContext(p, RoundingMode.DOWN));
        BigDecimal awayFromZero = exact.round(new MathContext(p, RoundingMode.UP));
        boolean towardReads = towardZero.doubleValue() == d;
        boolean awayReads = awayFromZero.doubleValue() == d;
        if (towardReads && awayReads) {
            int c = exact.subtract(towardZero).abs().compareTo(awayFromZero.subtract(exact).abs());
            if (c != 0) {
                return c < 0 ? towardZero : awayFromZero;
            }
            return towardZero.unscaledValue().testBit(0) ? awayFromZero : towardZero; // a tie: the even digit
        }
        return towardReads ? towardZero : awayReads ? awayFromZero : null;
    }

    /**
     * Whether the values that read back as {@code d} reach further above it than below: a power of two, whose
     * next double down is half as far as its next double up (except the least normal one).
     */
    private static boolean lopsided(double d) {
        return (Double.doubleToRawLongBits(d) & 0x000F_FFFF_FFFF_FFFFL) == 0 && Math.getExponent(d) > Double.MIN_EXPONENT;
    }

    // ECMAScript Number::toString layout, as RFC 8785 section 3.2.2.3 uses it.
    private static String layout(BigDecimal value) {
        StringBuilder out = new StringBuilder(24);
        if (value.signum() < 0) {
            out.append('-');
            value = value.negate();
        }
        String digits = value.unscaledValue().toString();
        int k = digits.length();
        int n = k - value.scale(); // value = 0.d1d2...dk x 10^n
        if (k <= n && n <= 21) {
            out.append(digits);
            for (int i = 0; i < n - k; i++) {
                out.append('0');
            }
        } else if (0 < n && n <= 21) {
            out.append(digits, 0, n).append('.').append(digits, n, k);
        } else if (-6 < n && n <= 0) {
            out.append("0.");
            for (int i = 0; i < -n; i++) {
                out.append('0');
            }
            out.append(digits);
        } else {
            out.append(digits.charAt(0));
            if (k > 1) {
                out.append('.').append(digits, 1, k);
            }
            int e = n - 1;
            out.append('e').append(e < 0 ? '-' : '+').append(Math.abs(e));
        }
        return out.toString();
    }

    /**
     * The UTF-8 bytes of {@code text}, encoded straight from the builder when it is all ASCII (canonical
     * payloads nearly always are), which saves the copy {@code toString()} would make first.
     */
    public static byte[] utf8(CharSequence text) {
        int n = text.length();
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                return text.toString().getBytes(StandardCharsets.UTF_8);
            }
            out[i] = (byte) c;
        }
        return out;
    }

    /** Lower-case hex SHA-256 of the UTF-8 bytes of {@code text}. */
    public static String sha256Hex(String text) {
        byte[] digest = sha256(text.getBytes(StandardCharsets.UTF_8));
        return hex(digest);
    }

    /** Whether two hex digests are equal, compared in constant time (case-sensitive, as stored). */
    public static boolean sameDigest(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }

    /** SHA-256 of {@code bytes}. */
    public static byte[] sha256(byte[] bytes) {
        return SHA256.get().digest(bytes); // digest() resets it for the next use
    }

    // One per thread: looking the algorithm up through the providers cost more than hashing a record.
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    });

    /** Lower-case hex of {@code bytes}. */
    public static String hex(byte[] bytes) {
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = HEX[(bytes[i] >> 4) & 0xF];
            out[2 * i + 1] = HEX[bytes[i] & 0xF];
        }
        return new String(out);
    }
}
