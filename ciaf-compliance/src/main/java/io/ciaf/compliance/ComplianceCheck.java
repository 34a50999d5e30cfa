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
}
