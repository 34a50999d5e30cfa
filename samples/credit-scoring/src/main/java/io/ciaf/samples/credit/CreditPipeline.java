package io.ciaf.samples.credit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

import org.apache.commons.math3.ml.clustering.CentroidCluster;
import org.apache.commons.math3.ml.clustering.DoublePoint;
import org.apache.commons.math3.ml.clustering.KMeansPlusPlusClusterer;
import org.apache.commons.math3.ml.distance.EuclideanDistance;
import org.apache.commons.math3.random.Well19937c;

import io.ciaf.api.CaptureMetadata;
import io.ciaf.api.Stage;
import io.ciaf.compliance.FairnessMetrics;
import io.ciaf.compliance.Outcome;
import io.ciaf.runtime.Ciaf;
import io.ciaf.runtime.MetadataCapture;

/**
 * The credit model's life before deployment, one annotated method per stage. The agent records each call;
 * {@code Ciaf.current().put} adds what the method found to its record. Without the agent the methods run
 * the same and record nothing.
 */
public final class CreditPipeline {

    static final String MODEL = "credit-scoring";
    static final String VERSION = "1.0";
    static final String SOURCE = "Statlog (German Credit Data), H. Hofmann, Universität Hamburg, 1994; UCI"
            + " Machine Learning Repository; read from credit-g.arff in nz.ac.waikato.cms.weka:weka-stable:3.8.6";

    /** Loads the applications and records where they came from and who is in them. */
    @CaptureMetadata(model = MODEL, version = VERSION, stage = Stage.DATA_INGESTION, event = "load_applications")
    public CreditData ingest() {
        CreditData data = CreditData.load();
        List<CreditData.Applicant> all = data.applicants();
        Ciaf.current()
                .put("dataset_id", "german-credit")
                .put("source", SOURCE)
                .put("rows", all.size())
                .put("attributes", data.attributes().size())
                .put("missing_values", 0)
                .put("good_risk_share", all.stream().filter(CreditData.Applicant::good).count() / (double) all.size())
                .put("group_counts", Map.of(
                        "sex", counts(all.stream().map(CreditData.Applicant::sex).toList()),
                        "age_group", counts(all.stream().map(CreditData.Applicant::ageGroup).toList())))
                // declared by the (fictional) lender running this model, as a real deployer would
                .put("lawful_basis", "contract: steps at the applicant's request before a loan (GDPR Art 6(1)(b))")
                .put("purpose", "creditworthiness assessment of consumer loan applications");
        return data;
    }

    /**
     * Learns the encoding from the training rows (the protected attributes are left out of the inputs) and
     * segments the applicants with Apache Commons Math's k-means++, which the agent captures from config alone.
     */
    @CaptureMetadata(model = MODEL, version = VERSION, stage = Stage.PREPROCESSING, event = "encode_features")
    public CreditModel.Encoder prepare(CreditData data, List<CreditData.Applicant> training, List<String> leftOut) {
        CreditModel.Encoder encoder = new CreditModel.Encoder(data, training, leftOut);
        List<DoublePoint> points = new ArrayList<>();
        for (CreditData.Applicant a : training) {
            points.add(new DoublePoint(new double[] {(Double) a.values().get("duration"),
                    (Double) a.values().get("credit_amount") / 1000, (Double) a.values().get("installment_commitment")}));
        }
        // Not annotated, not ours: recorded because demo/ciaf.json names KMeansPlusPlusClusterer.cluster.
        List<CentroidCluster<DoublePoint>> segments = new KMeansPlusPlusClusterer<DoublePoint>(4, 100,
                new EuclideanDistance(), new Well19937c(2026)).cluster(points);
        Ciaf.current()
                .put("training_rows", training.size())
                .put("inputs", encoder.attributes())
                .put("left_out", leftOut)
                .put("encoded_features", encoder.features().size())
                .put("encoding", "one-hot nominal, standardised numeric (training-set mean and sd)")
                .put("applicant_segments", segments.stream().map(c -> c.getPoints().size()).toList());
        return encoder;
    }

    /**
     * Measures the trained model on held-out applicants: accuracy, and fairness of its approvals by sex and by
     * age group (selection rates, the disparate impact ratio, the equal opportunity difference).
     */
    @CaptureMetadata(model = MODEL, version = VERSION, stage = Stage.VALIDATION, event = "holdout_validation")
    public Validation validate(CreditModel model, CreditModel.Encoder encoder, List<CreditData.Applicant> test,
            double threshold) {
        long correct = 0;
        long good = 0;
        List<Outcome> bySex = new ArrayList<>();
        List<Outcome> byAge = new ArrayList<>();
        for (CreditData.Applicant a : test) {
            boolean approved = model.predict(encoder.encode(a)) >= threshold;
            correct += approved == a.good() ? 1 : 0;
            good += a.good() ? 1 : 0;
            bySex.add(Outcome.of(a.sex(), approved, a.good()));
            byAge.add(Outcome.of(a.ageGroup(), approved, a.good()));
        }
        double accuracy = correct / (double) test.size();
        double majority = Math.max(good, test.size() - good) / (double) test.size();
        Map<String, Double> sexRates = FairnessMetrics.selectionRates(bySex);
        Map<String, Double> ageRates = FairnessMetrics.selectionRates(byAge);
        Validation v = new Validation(test.size(), accuracy, majority, sexRates,
                FairnessMetrics.disparateImpactRatio(sexRates), ageRates, FairnessMetrics.disparateImpactRatio(ageRates));
        MetadataCapture record = Ciaf.current()
                .put("test_rows", test.size())
                .put("accuracy", accuracy)
                .put("majority_class_accuracy", majority)
                .put("decision_threshold", threshold)
                .put("selection_rate_by_sex", sexRates)
                .put("selection_rate_by_age_group", ageRates);
        // a metric that is not defined (a group without approvals or without good risks) is left out, not faked
        putIfDefined(record, "disparate_impact_sex", v.impactSex());
        putIfDefined(record, "disparate_impact_age_group", v.impactAge());
        putIfDefined(record, "equal_opportunity_difference_sex",
                FairnessMetrics.equalOpportunityDifference(bySex, "female", "male"));
        putIfDefined(record, "equal_opportunity_difference_age_group",
                FairnessMetrics.equalOpportunityDifference(byAge, "under_25", "25_and_over"));
        return v;
    }

    /** What validation found, for the summary. */
    public record Validation(int rows, double accuracy, double majority, Map<String, Double> sexRates,
            OptionalDouble impactSex, Map<String, Double> ageRates, OptionalDouble impactAge) {
    }

    static void putIfDefined(MetadataCapture record, String key, OptionalDouble value) {
        value.ifPresent(v -> record.put(key, v));
    }

    private static Map<String, Long> counts(List<String> values) {
        Map<String, Long> out = new TreeMap<>();
        values.forEach(v -> out.merge(v, 1L, Long::sum));
        return out;
    }
}
