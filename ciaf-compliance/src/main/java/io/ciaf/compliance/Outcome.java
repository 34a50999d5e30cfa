package io.ciaf.compliance;

import java.util.Objects;

/**
 * One decision as the fairness metrics see it: the applicant's group, whether the model's decision was the
 * favourable one, whether the favourable outcome was the right one (null when not known yet), and the model's
 * confidence in its decision (null when it gives none).
 */
public record Outcome(String group, boolean predicted, Boolean actual, Double confidence) {

    public Outcome {
        Objects.requireNonNull(group, "group");
        if (confidence != null && !(confidence >= 0 && confidence <= 1)) {
            throw new IllegalArgumentException("confidence must be within [0, 1]; got " + confidence);
        }
    }

    /** A decision whose right answer is not known. */
    public static Outcome of(String group, boolean predicted) {
        return new Outcome(group, predicted, null, null);
    }

    /** A decision with its right answer. */
    public static Outcome of(String group, boolean predicted, boolean actual) {
        return new Outcome(group, predicted, actual, null);
    }
}
