package io.ciaf.samples.credit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import io.ciaf.api.CaptureMetadata;
import io.ciaf.api.Stage;
import io.ciaf.compliance.FairnessMetrics;
import io.ciaf.runtime.Ciaf;
import io.ciaf.runtime.MetadataCapture;

/**
 * The deployed model: decides applications and watches for drift. Each {@code decide} call is recorded by
 * the agent with an inference receipt committing (HMAC-SHA256, as demo/ciaf.json asks) to the application and
 * the decision; a denial carries its principal reasons, as an adverse-action notice must (FCRA/ECOA).
 */
public final class CreditService {

    /** Population stability index above which a shift counts as major (the industry's usual 0.25). */
    static final double MAJOR_DRIFT = 0.25;
    static final int MAX_REASONS = 4;

    private final CreditModel model;
    private final CreditModel.Encoder encoder;
    private final double threshold;

    public CreditService(CreditModel model, CreditModel.Encoder encoder, double threshold) {
        this.model = model;
        this.encoder = encoder;
        this.threshold = threshold;
    }

    /** Approves or denies one application; a denial names at most four principal reasons. */
    @CaptureMetadata(model = CreditPipeline.MODEL, version = CreditPipeline.VERSION, stage = Stage.INFERENCE,
            event = "credit_decision")
    public Map<String, Object> decide(String applicationId, Map<String, Object> application) {
        double[] x = encoder.encode(application);
        double score = model.predict(x);
        boolean approved = score >= threshold;
        Map<String, Object> decision = new LinkedHashMap<>();
        decision.put("application_id", applicationId);
        decision.put("decision", approved ? "approve" : "deny");
        decision.put("score", score);
        MetadataCapture record = Ciaf.current()
                .put("application_id", applicationId)
                .put("favourable", approved)
                .put("confidence", approved ? score : 1 - score)
                // group membership, kept for fairness monitoring only: neither is an input of the model
                .put("sex", CreditData.sexOf(application))
                .put("age_group", CreditData.ageGroupOf(application));
        // every decision is explained (GDPR Art 13(2)(f)); a denial's reasons are its adverse-action reasons
        List<String> factors = approved ? model.supports(encoder, x, MAX_REASONS)
                : model.reasons(encoder, x, MAX_REASONS);
        decision.put("top_features", factors);
        record.put("top_features", factors);
        if (!approved) {
            decision.put("reasons", factors);
            decision.put("notice_at", Instant.now().toString());
            record.put("adverse_action_reasons", factors).put("adverse_action_notice_at", decision.get("notice_at"));
        }
        return decision;
    }

    /**
     * Compares a batch of applications with the training population: the population stability index of the
     * model's scores and of the main numeric inputs, and accuracy where outcomes are known.
     */
    @CaptureMetadata(model = CreditPipeline.MODEL, version = CreditPipeline.VERSION, stage = Stage.MONITORING,
            event = "drift_check")
    public Drift monitor(String batch, List<CreditData.Applicant> baseline, List<CreditData.Applicant> current) {
        double psi = FairnessMetrics.populationStabilityIndex(column(baseline, this::score),
                column(current, this::score), 10);
        Map<String, Double> byInput = new LinkedHashMap<>();
        for (String attribute : List.of("duration", "credit_amount", "age")) {
            byInput.put(attribute, FairnessMetrics.populationStabilityIndex(
                    column(baseline, a -> (Double) a.values().get(attribute)),
                    column(current, a -> (Double) a.values().get(attribute)), 10));
        }
        long correct = current.stream().filter(a -> (score(a) >= threshold) == a.good()).count();
        double accuracy = correct / (double) current.size();
        boolean drift = psi > MAJOR_DRIFT || byInput.values().stream().anyMatch(v -> v > MAJOR_DRIFT);
        MetadataCapture record = Ciaf.current()
                .put("batch", batch)
                .put("rows", current.size())
                .put("psi", psi)
                .put("psi_by_input", byInput)
                .put("accuracy", accuracy)
                .put("drift_detected", drift);
        if (drift) {
            record.put("alert", "population shift above PSI " + MAJOR_DRIFT + ": review the model before relying on it");
        }
        return new Drift(batch, psi, byInput, accuracy, drift);
    }

    /** What a drift check found, for the summary. */
    public record Drift(String batch, double psi, Map<String, Double> byInput, double accuracy, boolean detected) {

        double maxInput() {
            return byInput.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        }
    }

    private double score(CreditData.Applicant a) {
        return model.predict(encoder.encode(a));
    }

    private static double[] column(List<CreditData.Applicant> rows, ToDoubleFunction<CreditData.Applicant> f) {
        return rows.stream().mapToDouble(f).toArray();
    }
}
