package io.ciaf.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ciaf.api.internal.CanonicalJson;
import io.ciaf.api.internal.JsonValues;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {

    /**
     * RFC 8785 Appendix B number vectors (IEEE 754 bits, expected text). Our one documented difference:
     * a double that RFC 8785 would print as an integer gets ".0", so it reads back as a double.
     */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "0000000000000000, 0.0",
            "8000000000000000, 0.0",
            "0000000000000001, 5e-324",
            "8000000000000001, -5e-324",
            "7fefffffffffffff, 1.7976931348623157e+308",
            "ffefffffffffffff, -1.7976931348623157e+308",
            "4340000000000000, 9007199254740992.0",
            "c340000000000000, -9007199254740992.0",
            "4430000000000000, 295147905179352830000.0",
            "44b52d02c7e14af5, 9.999999999999997e+22",
            "44b52d02c7e14af6, 1e+23",
            "44b52d02c7e14af7, 1.0000000000000001e+23",
            "444b1ae4d6e2ef4e, 999999999999999700000.0",
            "444b1ae4d6e2ef4f, 999999999999999900000.0",
            "444b1ae4d6e2ef50, 1e+21",
            "3eb0c6f7a0b5ed8c, 9.999999999999997e-7",
            "3eb0c6f7a0b5ed8d, 0.000001",
            "41b3de4355555553, 333333333.3333332",
            "41b3de4355555554, 333333333.33333325",
            "41b3de4355555555, 333333333.3333333",
            "41b3de4355555556, 333333333.3333334",
            "41b3de4355555557, 333333333.33333343",
            "becbf647612f3696, -0.0000033333333333333333",
            "43143ff3c1cb0959, 1424953923781206.2",
            // Powers of two whose nearest 16-digit decimal lies below them, outside what reads back (half as far
            // below a power of two as above), while the next one up reads back: 16 digits, not 17. ECMAScript's
            // Number::toString and JDK 19+'s Double.toString give these digits.
            "3e70000000000000, 5.960464477539063e-8",
            "bd30000000000000, -5.684341886080802e-14",
            "4580000000000000, 6.189700196426902e+26",
            "0060000000000000, 7.120236347223045e-307",
    })
    void numbersFollowRfc8785(String bits, String expected) {
        double d = Double.longBitsToDouble(Long.parseUnsignedLong(bits, 16));
        assertThat(CanonicalJson.formatDouble(d)).isEqualTo(expected);
        assertThat(Double.parseDouble(expected)).isEqualTo(d == 0 ? 0.0 : d);
    }

    @Test
    void theDigitsComeFromWhereThisRunMeansToTestThem() {
        // each of ciaf-api's test runs names the source it exercises (its pom): before JDK 19 that is Jackson's
        // writer when jackson-core is on the class path, and CIAF's own search when it is not
        String before19 = System.getProperty("ciaf.test.shortest-digits-before-19", "jackson");
        assertThat(io.ciaf.api.internal.CanonicalJson.shortestDigitsSource())
                .isEqualTo(Runtime.version().feature() >= 19 ? "jdk" : before19);
    }

    @Test
    void everyDoubleReadsBackExactly() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        for (int i = 0; i < 20_000; i++) {
            double d = Double.longBitsToDouble(random.nextLong());
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                continue;
            }
            String text = CanonicalJson.formatDouble(d);
            assertThat(Double.parseDouble(text)).as(text).isEqualTo(d == 0 ? 0.0 : d);
            // shortest: dropping the last significant digit must not still round-trip
            assertThat(text).as("layout of %s", d).containsAnyOf(".", "e");
        }
    }

    @Test
    void keysSortByUtf16CodeUnitsAsInRfc8785() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("\u20ac", "Euro Sign");
        m.put("\r", "Carriage Return");
        m.put("\ufb33", "Hebrew Letter Dalet With Dagesh");
        m.put("1", "One");
        m.put("\ud83d\ude00", "Emoji: Grinning Face");
        m.put("\u0080", "Control");
        m.put("\u00f6", "Latin Small Letter O With Diaeresis");
        String json = CanonicalJson.write(JsonValues.normalize(m, "m"));
        assertThat(json).isEqualTo("{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\","
                + "\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\","
                + "\"\ud83d\ude00\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}");
    }

    @Test
    void stringsEscapeOnlyWhatJsonRequires() {
        String s = "q\"b\\ \b\f\n\r\t \u0001\u001f \u007f \u2028 é";
        assertThat(CanonicalJson.write(s))
                .isEqualTo("\"q\\\"b\\\\ \\b\\f\\n\\r\\t \\u0001\\u001f \u007f \u2028 é\"");
    }

    @Test
    void nestedValuesAndIntegers() {
        Object v = JsonValues.normalize(Map.of("b", List.of(1, 2L, (short) 3, 1.5f, true), "a", Map.of()), "x");
        assertThat(CanonicalJson.write(v)).isEqualTo("{\"a\":{},\"b\":[1,2,3,1.5,true]}");
        assertThat(CanonicalJson.write(JsonValues.normalize(new java.math.BigInteger("123456789012345678901234567890"), "x")))
                .isEqualTo("123456789012345678901234567890");
    }

    @Test
    void utf8BytesAreThoseOfTheStringWhateverItHolds() {
        for (String text : new String[] {"", "{\"a\":1}", "caf\u00e9", "\u2603 snow", "\uD83D\uDE00 smile", "x\u007f\u0080"}) {
            assertThat(CanonicalJson.utf8(new StringBuilder(text))).as(text)
                    .isEqualTo(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @Test
    void refusesValuesThatAreNotNormalized() {
        assertThatThrownBy(() -> CanonicalJson.write(new Object())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CanonicalJson.formatDouble(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Known answers from another implementation: {@code ecmascript-numbers.txt} holds what JavaScript's own
     * {@code String(x)} (ECMAScript Number::toString, which RFC 8785 uses) gives for every power of two and 1,200
     * random doubles, written by Node. CIAF adds {@code .0} where that text reads as an integer.
     */
    @Test
    void numbersAreWhatJavaScriptWritesForEveryPowerOfTwoAndRandomDoubles() throws Exception {
        List<String> lines;
        try (java.io.InputStream in = CanonicalJsonTest.class.getResourceAsStream("/ecmascript-numbers.txt")) {
            lines = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).lines()
                    .filter(l -> !l.startsWith("#")).toList();
        }
        assertThat(lines).hasSize(3298);
        for (String line : lines) {
            String[] f = line.split(" ");
            double d = Double.longBitsToDouble(Long.parseUnsignedLong(f[0], 16));
            String expected = f[1].contains(".") || f[1].contains("e") ? f[1] : f[1] + ".0";
            assertThat(CanonicalJson.formatDouble(d)).as("%s", f[0]).isEqualTo(expected);
        }
    }

    @Test
    void noDecimalWithFewerDigitsReadsBackAtAnyPowerOfTwoOrBesideIt() {
        for (int e = Double.MIN_EXPONENT; e <= Double.MAX_EXPONENT; e++) {
            double p = Math.scalb(1.0, e);
            for (double d : new double[] {p, Math.nextUp(p), Math.nextDown(p), -p}) {
                java.math.BigDecimal shortest = CanonicalJson.shortestRoundTrip(d);
                assertThat(shortest.doubleValue()).as("%s reads back", d).isEqualTo(d);
                int digits = shortest.precision();
                if (digits > 1) {
                    // the decimals of one digit fewer on either side of the exact value: neither may read back
                    java.math.BigDecimal exact = new java.math.BigDecimal(d);
                    java.math.MathContext fewer = new java.math.MathContext(digits - 1, java.math.RoundingMode.FLOOR);
                    java.math.MathContext fewerUp = new java.math.MathContext(digits - 1, java.math.RoundingMode.CEILING);
                    assertThat(exact.round(fewer).doubleValue()).as("%s has %d digits", d, digits).isNotEqualTo(d);
                    assertThat(exact.round(fewerUp).doubleValue()).as("%s has %d digits", d, digits).isNotEqualTo(d);
                }
            }
        }
    }

    @Test
    void theFastShortestDigitsAgreeWithTheExactSearchOnRandomDoubles() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(8785);
        for (int i = 0; i < 300_000; i++) {
            double d = switch (i % 4) {
                case 0 -> Double.longBitsToDouble(random.nextLong());
                case 1 -> random.nextInt(1_000_000) / Math.pow(10, random.nextInt(1, 12));
                case 2 -> Double.longBitsToDouble(random.nextLong(1L << 53)); // subnormal and tiny normals
                default -> random.nextDouble() * Math.pow(10, random.nextInt(-30, 30));
            };
            assertFastAgreesWithSearch(d);
        }
    }

    @Test
    void theFastShortestDigitsAgreeWithTheExactSearchWhereRoundingIsHardest() {
        // Powers of two (the gap below is half the gap above), the neighbours of powers of ten, and the
        // decimals halfway between two 15- or 16-digit neighbours, whose rounding needs the exact tie-break.
        for (int e = -1074; e <= 1023; e++) {
            double p = Math.scalb(1.0, e);
            assertFastAgreesWithSearch(p);
            assertFastAgreesWithSearch(Math.nextUp(p));
            assertFastAgreesWithSearch(-Math.nextDown(p));
        }
        for (int e = -300; e <= 300; e++) {
            double p = Double.parseDouble("1e" + e);
            for (double q = Math.nextDown(Math.nextDown(p)); q <= Math.nextUp(Math.nextUp(p)); q = Math.nextUp(q)) {
                assertFastAgreesWithSearch(q);
            }
        }
        java.util.SplittableRandom random = new java.util.SplittableRandom(2025);
        for (int i = 0; i < 100_000; i++) {
            long digits = random.nextLong(100_000_000_000_000L, 1_000_000_000_000_000L);
            double d = Double.parseDouble(digits + "5e" + random.nextInt(-40, 40));
            assertFastAgreesWithSearch(d);
            assertFastAgreesWithSearch(Math.nextUp(d));
            assertFastAgreesWithSearch(Math.nextDown(d));
        }
    }

    private static void assertFastAgreesWithSearch(double d) {
        if (!Double.isFinite(d) || d == 0) {
            return;
        }
        java.math.BigDecimal fast = io.ciaf.api.internal.CanonicalJson.shortestRoundTrip(d);
        java.math.BigDecimal exact = io.ciaf.api.internal.CanonicalJson.searchShortest(d);
        assertThat(fast.unscaledValue()).as("digits of %s", d).isEqualTo(exact.unscaledValue());
        assertThat(fast.scale()).as("scale of %s", d).isEqualTo(exact.scale());
    }
}
