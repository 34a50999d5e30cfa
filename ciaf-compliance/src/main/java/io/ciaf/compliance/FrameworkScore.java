package io.ciaf.compliance;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * A framework's score and every check result behind it. score = Σ wᵢ·sᵢ / Σ wᵢ over the applicable checks
 * (PASS 1, PARTIAL 0.5, anything else 0; NOT_APPLICABLE ones are left out); a failed blocking check (FAIL or
 * ERROR) caps it at {@code blockingCap}. Empty when no check applies.
 */
public record FrameworkScore(String frameworkId, String name, String version, OptionalDouble score, boolean capped,
        List<CheckResult> results) {

    /** Default cap for a framework with a failed blocking check (COMPLIANCE.md). */
    public static final double DEFAULT_BLOCKING_CAP = 0.5;

    /**
     * Runs every check of {@code framework} on {@code evidence} and scores them; a check that throws becomes
     * an ERROR result naming the exception.
     */
    public static FrameworkScore assess(ComplianceFramework framework, Evidence evidence, double blockingCap) {
        List<CheckResult> results = new ArrayList<>();
        double weighted = 0;
        double weights = 0;
        boolean capped = false;
        List<ComplianceCheck> checks;
        try {
            checks = framework.checks();
        } catch (RuntimeException e) {
            checks = List.of();
            results.add(CheckResult.of(framework.id(), CheckStatus.ERROR, "the framework's checks could not be"
                    + " listed: " + e));
            capped = true;
            weights = 1;
        }
        for (ComplianceCheck check : checks) {
            CheckResult r;
            try {
                r = check.evaluate(evidence);
                if (r == null) {
                    r = CheckResult.of(check.id(), CheckStatus.ERROR, "the check returned no result");
                }
            } catch (RuntimeException | StackOverflowError e) {
                r = CheckResult.of(check.id(), CheckStatus.ERROR, "the check failed: " + e);
            }
            results.add(r);
            if (r.status() == CheckStatus.NOT_APPLICABLE) {
                continue;
            }
            weights += check.weight();
            weighted += check.weight() * switch (r.status()) {
                case PASS -> 1.0;
                case PARTIAL -> 0.5;
                default -> 0.0;
            };
            if (check.blocking() && (r.status() == CheckStatus.FAIL || r.status() == CheckStatus.ERROR)) {
                capped = true;
            }
        }
        if (weights == 0) {
            return new FrameworkScore(framework.id(), framework.name(), framework.version(), OptionalDouble.empty(),
                    false, results);
        }
        double score = weighted / weights;
        boolean applied = capped && score > blockingCap;
        return new FrameworkScore(framework.id(), framework.name(), framework.version(),
                OptionalDouble.of(capped ? Math.min(score, blockingCap) : score), applied, results);
    }
}
