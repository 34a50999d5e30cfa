package io.ciaf.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.SplittableRandom;

import io.ciaf.api.internal.IsoInstant;
import org.junit.jupiter.api.Test;

class IsoInstantTest {

    @Test
    void writesWhatInstantToStringWritesAtTheEdgesOfDaysMonthsYearsAndFractions() {
        long[] seconds = {0, 1, 59, 60, 86_399, 86_400, 951_782_400L /* 2000-02-29 */, 951_868_800L /* 03-01 */,
            4_107_542_400L /* 2100-03-01 */, 1_709_164_800L /* 2024-02-29 */, 253_402_300_799L /* 9999-12-31T23:59:59 */,
            253_402_300_800L /* year 10000: toString's own form */, -1, -62_135_596_800L /* year 1 */};
        int[] nanos = {0, 1, 999, 1_000, 1_000_000, 100_000_000, 120_000_000, 123_400_000, 123_456_000, 123_456_789,
            999_999_999, 10};
        for (long s : seconds) {
            for (int n : nanos) {
                Instant t = Instant.ofEpochSecond(s, n);
                assertThat(IsoInstant.format(t)).as("%d s %d ns", s, n).isEqualTo(t.toString());
            }
        }
    }

    @Test
    void writesWhatInstantToStringWritesForAMillionRandomInstants() {
        SplittableRandom random = new SplittableRandom(20261130);
        for (int i = 0; i < 1_000_000; i++) {
            long s = random.nextLong(-100_000_000_000L, 300_000_000_000L);
            int n = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant t = Instant.ofEpochSecond(s, n);
            assertThat(IsoInstant.format(t)).isEqualTo(t.toString());
        }
    }
}
