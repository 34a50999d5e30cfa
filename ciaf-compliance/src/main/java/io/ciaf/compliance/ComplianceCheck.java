package io.ciaf.compliance;

/**
 * One requirement a framework tests. Implementations decide from {@link Evidence} alone and say why; a check
 * that throws is reported as an ERROR result for that check, never as a failed assessment.
 */
public interface ComplianceCheck {

    /** Stable id, e.g. {@code EEOC-4D}. */
    String id();

    /** Where the requirement comes from, e.g. {@code 29 CFR 1607.4(D)}. */
    String citation();

    /** Weight in the framework score (positive). */
    double weight();

    /** Whether failing it caps the framework's score. */
    boolean blocking();

    CheckResult evaluate(Evidence evidence);

    /**
     * A check from a function, e.g. {@code ComplianceCheck.of("ACME-1", "internal policy 1", 1, false, e -> ...)}.
     *
     * @throws IllegalArgumentException for a blank id or a weight that is not positive
     */
    static ComplianceCheck of(String id, String citation, double weight, boolean blocking,
            java.util.function.Function<Evidence, CheckResult> evaluate) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a check needs an id");
        }
        if (!(weight > 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("check " + id + ": weight must be positive; got " + weight);
        }
        java.util.Objects.requireNonNull(evaluate, "evaluate");
        String cite = citation == null ? "" : citation;
        return new ComplianceCheck() {
            public String id() {
                return id;
            }

            public String citation() {
                return cite;
            }

            public double weight() {
                return weight;
            }

            public boolean blocking() {
                return blocking;
            }

            public CheckResult evaluate(Evidence evidence) {
                return evaluate.apply(evidence);
            }

            @Override
            public String toString() {
                return id + " (" + cite + ")";
            }
        };
    }
}
