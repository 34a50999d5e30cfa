package io.ciaf.compliance;

import java.util.List;
import java.util.Objects;

/**
 * One check's result: its status, the measured value and threshold when it measures something, the ids of the
 * evidence records it used, and a one-line reason a person can read.
 */
public record CheckResult(String checkId, CheckStatus status, Double measured, Double threshold,
        List<String> evidenceIds, String reason) {

    public CheckResult {
        Objects.requireNonNull(checkId, "checkId");
        Objects.requireNonNull(status, "status");
        evidenceIds = List.copyOf(evidenceIds);
        Objects.requireNonNull(reason, "reason");
    }

    public static CheckResult of(String checkId, CheckStatus status, String reason) {
        return new CheckResult(checkId, status, null, null, List.of(), reason);
    }
}
