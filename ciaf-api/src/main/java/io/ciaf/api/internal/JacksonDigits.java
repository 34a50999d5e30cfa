package io.ciaf.api.internal;

import java.math.BigDecimal;
import java.util.SplittableRandom;

import com.fasterxml.jackson.core.io.NumberOutput;

/**
 * The shortest digits of a double from jackson-core (2.14 and later), whose writer carries the algorithm JDK 19's
 * {@link Double#toString} uses (Schubfach, JDK-4511638): on the JDKs before 19 it costs a fifth of
 * {@link CanonicalJson}'s own way. ciaf-api does not require jackson-core (its dependency is optional; the
 * runtime brings it), so this is used only when jackson-core is there, new enough, and agrees with the exact
 * search on two dozen doubles where rounding is hardest, checked once (some 15 ms at the first double, the
 * search being cold then): an application that pins an older or broken Jackson gets the slower way, never other
 * digits.
 */
final class JacksonDigits {

    /** Whether this class may be used; loading it runs the check. */
    static final boolean AGREES_WITH_SEARCH = check();

    private JacksonDigits() {
    }

    /** The shortest decimal that reads back as the finite, normal {@code d}, in {@link Double#toString} layout. */
    static String text(double d) {
        return NumberOutput.toString(d, true);
    }

    private static boolean check() {
        try {
            // where rounding is hardest: the powers of two (their interval is lopsided), the extremes, and doubles
            // JDK 17's Double.toString writes with digits to spare
            for (int e = Double.MIN_EXPONENT; e <= Double.MAX_EXPONENT; e += 256) {
                if (!agrees(Math.scalb(1.0, e))) {
                    return false;
                }
            }
            double[] hard = {Double.MAX_VALUE, Double.MIN_NORMAL, Math.ulp(1.0), 1.0E23, 2.82879384806159E17,
                1.9400994884341945E25, 5.684341886080802E-14, 9.007199254740993E15, 0.1, 1.0 / 3, 2.0E-3};
            for (double d : hard) {
                if (!agrees(d)) {
                    return false;
                }
            }
            SplittableRandom random = new SplittableRandom(0x43494146L);
            for (int checked = 0; checked < 4; ) {
                double d = Double.longBitsToDouble(random.nextLong());
                if (Double.isFinite(d) && Math.abs(d) >= Double.MIN_NORMAL) {
                    if (!agrees(d)) {
                        return false;
                    }
                    checked++;
                }
            }
            return true;
        } catch (LinkageError | RuntimeException e) {
            return false; // no jackson-core, or one before 2.14
        }
    }

    private static boolean agrees(double d) {
        return new BigDecimal(text(d)).stripTrailingZeros().equals(CanonicalJson.searchShortest(d));
    }
}
