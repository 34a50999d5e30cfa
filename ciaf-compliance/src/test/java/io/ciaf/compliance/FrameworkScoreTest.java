package io.ciaf.compliance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

class FrameworkScoreTest {

    private static ComplianceCheck check(String id, double weight, boolean blocking, Function<Evidence, CheckResult> f) {
        return new ComplianceCheck() {
            public String id() {
                return id;
            }

            public String citation() {
                return "test";
            }

            public double weight() {
                return weight;
            }

            public boolean blocking() {
                return blocking;
            }

            public CheckResult evaluate(Evidence e) {
                return f.apply(e);
            }
        };
    }

    private static ComplianceCheck fixed(String id, double weight, boolean blocking, CheckStatus status) {
        return check(id, weight, blocking, e -> CheckResult.of(id, status, status.name()));
    }

    private static ComplianceFramework framework(ComplianceCheck... checks) {
        return new ComplianceFramework() {
            public String id() {
                return "t";
            }

            public String name() {
                return "Test";
            }

            public String version() {
                return "1";
            }

            public List<ComplianceCheck> checks() {
                return List.of(checks);
            }
        };
    }

    private static final Evidence NONE = Evidence.builder("m").build();

    @Test
    void theScoreIsTheWeightedMeanOverApplicableChecks() {
        // (2·1 + 1·0.5 + 1·0 + 2·0) / (2 + 1 + 1 + 2) = 2.5 / 6; NOT_APPLICABLE (weight 5) left out
        FrameworkScore s = FrameworkScore.assess(framework(fixed("a", 2, false, CheckStatus.PASS),
                fixed("b", 1, false, CheckStatus.PARTIAL), fixed("c", 1, false, CheckStatus.FAIL),
                fixed("d", 2, false, CheckStatus.INSUFFICIENT_EVIDENCE), fixed("e", 5, false, CheckStatus.NOT_APPLICABLE)),
                NONE, FrameworkScore.DEFAULT_BLOCKING_CAP);
        assertThat(s.score().getAsDouble()).isCloseTo(2.5 / 6, within(1e-12));
        assertThat(s.capped()).isFalse();
        assertThat(s.results()).extracting(CheckResult::checkId).containsExactly("a", "b", "c", "d", "e");
    }

    @Test
    void aFailedBlockingCheckCapsTheScore() {
        // (3·1 + 1·0) / 4 = 0.75, capped at 0.5
        FrameworkScore s = FrameworkScore.assess(framework(fixed("a", 3, false, CheckStatus.PASS),
                fixed("b", 1, true, CheckStatus.FAIL)), NONE, 0.5);
        assertThat(s.score().getAsDouble()).isEqualTo(0.5);
        assertThat(s.capped()).isTrue();
        // already below the cap: 1·0 / (1 + 3) with the blocking one failing
        FrameworkScore low = FrameworkScore.assess(framework(fixed("a", 3, false, CheckStatus.FAIL),
                fixed("b", 1, true, CheckStatus.FAIL)), NONE, 0.5);
        assertThat(low.score().getAsDouble()).isEqualTo(0.0);
        assertThat(low.capped()).isFalse();
    }

    @Test
    void aCheckThatThrowsIsAnErrorResultNotACrash() {
        FrameworkScore s = FrameworkScore.assess(framework(fixed("a", 1, false, CheckStatus.PASS),
                check("boom", 1, true, e -> {
                    throw new IllegalStateException("no data");
                }), check("null", 1, false, e -> null)), NONE, 0.5);
        assertThat(s.results().get(1).status()).isEqualTo(CheckStatus.ERROR);
        assertThat(s.results().get(1).reason()).contains("IllegalStateException: no data");
        assertThat(s.results().get(2).status()).isEqualTo(CheckStatus.ERROR);
        // (1 + 0 + 0) / 3, below the cap the blocking error imposes
        assertThat(s.score().getAsDouble()).isCloseTo(1.0 / 3, within(1e-12));
    }

    @Test
    void noApplicableCheckMeansNoScore() {
        FrameworkScore s = FrameworkScore.assess(framework(fixed("a", 1, false, CheckStatus.NOT_APPLICABLE)), NONE, 0.5);
        assertThat(s.score()).isEmpty();
        assertThat(FrameworkScore.assess(framework(), NONE, 0.5).score()).isEmpty();
    }
}
