package io.ciaf.samples.credit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.ciaf.api.CaptureMetadata;
import io.ciaf.api.Stage;

/**
 * The sample's own model: L2-regularised logistic regression over one-hot nominal and standardised numeric
 * attributes, trained by batch gradient descent. {@code fit} and {@code predict} are what the agent captures.
 */
public final class CreditModel {

    /** Turns an applicant into a feature vector; its statistics come from the training rows only. */
    public static final class Encoder {
        private final List<String> attributes = new ArrayList<>();
        private final List<String> features = new ArrayList<>();
        private final List<String> source = new ArrayList<>();
        private final Map<String, double[]> scale = new LinkedHashMap<>();
        private final CreditData data;

        public Encoder(CreditData data, List<CreditData.Applicant> training, List<String> leftOut) {
            this.data = data;
            for (String a : data.attributes().subList(0, data.attributes().size() - 1)) {
                if (leftOut.contains(a)) {
                    continue;
                }
                attributes.add(a);
                if (data.values(a).isEmpty()) {
                    double sum = 0;
                    double sq = 0;
                    for (CreditData.Applicant t : training) {
                        double v = (Double) t.values().get(a);
                        sum += v;
                        sq += v * v;
                    }
                    double mean = sum / training.size();
                    double sd = Math.sqrt(Math.max(1e-12, sq / training.size() - mean * mean));
                    scale.put(a, new double[] {mean, sd});
                    features.add(a);
                    source.add(a);
                } else {
                    for (String v : data.values(a)) {
                        features.add(a + "=" + v);
                        source.add(a);
                    }
                }
            }
        }

        /** The attributes the model uses (what adverse-action reasons may name). */
        public List<String> attributes() {
            return List.copyOf(attributes);
        }

        public List<String> features() {
            return List.copyOf(features);
        }

        public double[] encode(CreditData.Applicant a) {
            return encode(a.values());
        }

        /** Encodes an application's attribute values (numbers as Double, nominal values as String). */
        public double[] encode(Map<String, Object> values) {
            double[] x = new double[features.size()];
            int i = 0;
            for (String attr : attributes) {
                if (scale.containsKey(attr)) {
                    double[] s = scale.get(attr);
                    x[i++] = ((Double) values.get(attr) - s[0]) / s[1];
                } else {
                    for (String v : data.values(attr)) {
                        x[i++] = v.equals(values.get(attr)) ? 1 : 0;
                    }
                }
            }
            return x;
        }

        String attributeOf(int feature) {
            return source.get(feature);
        }
    }

    private double[] weights;
    private double bias;

    /** Trains on {@code x} (rows) and {@code good}; returns the parameters, bias last. */
    @CaptureMetadata(model = "credit-scoring", version = "1.0", stage = Stage.TRAINING, event = "fit")
    public double[] fit(double[][] x, boolean[] good, int epochs, double learningRate, double l2) {
        int n = x.length;
        int d = x[0].length;
        double[] w = new double[d];
        double b = 0;
        double[] grad = new double[d];
        for (int epoch = 0; epoch < epochs; epoch++) {
            java.util.Arrays.fill(grad, 0);
            double gb = 0;
            for (int i = 0; i < n; i++) {
                double err = sigmoid(dot(w, x[i]) + b) - (good[i] ? 1 : 0);
                for (int j = 0; j < d; j++) {
                    grad[j] += err * x[i][j];
                }
                gb += err;
            }
            for (int j = 0; j < d; j++) {
                w[j] -= learningRate * (grad[j] / n + l2 * w[j]);
            }
            b -= learningRate * gb / n;
        }
        this.weights = w;
        this.bias = b;
        double[] parameters = java.util.Arrays.copyOf(w, d + 1);
        parameters[d] = b;
        return parameters;
    }

    /** The probability that the applicant is a good risk (the service's {@code decide} is what is recorded). */
    public double predict(double[] x) {
        return sigmoid(dot(weights, x) + bias);
    }

    /**
     * The principal reasons for a denial: the attributes whose features pushed the score down the most, at most
     * {@code k}, strongest first.
     */
    public List<String> reasons(Encoder encoder, double[] x, int k) {
        return strongest(encoder, x, k, false);
    }

    /** The attributes whose features pushed the score up the most, at most {@code k}, strongest first. */
    public List<String> supports(Encoder encoder, double[] x, int k) {
        return strongest(encoder, x, k, true);
    }

    private List<String> strongest(Encoder encoder, double[] x, int k, boolean up) {
        Map<String, Double> byAttribute = new LinkedHashMap<>();
        for (int j = 0; j < x.length; j++) {
            byAttribute.merge(encoder.attributeOf(j), weights[j] * x[j], Double::sum);
        }
        Comparator<Map.Entry<String, Double>> order = Map.Entry.comparingByValue();
        return byAttribute.entrySet().stream().filter(e -> up ? e.getValue() > 0 : e.getValue() < 0)
                .sorted(up ? order.reversed() : order).limit(k).map(Map.Entry::getKey).toList();
    }

    private static double dot(double[] w, double[] x) {
        double s = 0;
        for (int j = 0; j < w.length; j++) {
            s += w[j] * x[j];
        }
        return s;
    }

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }
}
