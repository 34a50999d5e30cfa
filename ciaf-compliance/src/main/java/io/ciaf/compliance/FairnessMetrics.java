package io.ciaf.compliance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * The metrics of COMPLIANCE.md, exactly as defined there. A metric that its data cannot define (no second group,
 * no positives in a group, a privileged rate of zero) is empty rather than a made-up number: a check then reports
 * INSUFFICIENT_EVIDENCE.
 */
public final class FairnessMetrics {

    private FairnessMetrics() {
    }

    /** P(ŷ = favourable | A = a) for every group that has at least one decision, by group name. */
    public static Map<String, Double> selectionRates(Collection<Outcome> outcomes) {
        Map<String, Double> rates = new TreeMap<>();
        counts(outcomes).forEach((g, c) -> rates.put(g, (double) c[1] / c[0]));
        return rates;
    }

    /** Decisions per group, favourable and total: the applicant-flow counts (EEOC-4A). */
    public static Map<String, long[]> counts(Collection<Outcome> outcomes) {
        Map<String, long[]> counts = new TreeMap<>();
        for (Outcome o : outcomes) {
            long[] c = counts.computeIfAbsent(o.group(), g -> new long[2]);
            c[0]++;
            if (o.predicted()) {
                c[1]++;
            }
        }
        return counts;
    }

    /**
     * The four-fifths form: the lowest selection rate over the highest. Empty with fewer than two groups; 1 when
     * every rate is 0 (no group is treated worse).
     */
    public static OptionalDouble disparateImpactRatio(Map<String, Double> rates) {
        if (rates.size() < 2) {
            return OptionalDouble.empty();
        }
        double min = rates.values().stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double max = rates.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        return OptionalDouble.of(max == 0 ? 1.0 : min / max);
    }

    /** The unprivileged ÷ privileged form; empty when either group is missing or the privileged rate is 0. */
    public static OptionalDouble disparateImpactRatio(Map<String, Double> rates, String unprivileged,
            String privileged) {
        Double u = rates.get(unprivileged);
        Double p = rates.get(privileged);
        return u == null || p == null || p == 0 ? OptionalDouble.empty() : OptionalDouble.of(u / p);
    }

    /** P(ŷ=1|U) − P(ŷ=1|P); empty when either group is missing. */
    public static OptionalDouble statisticalParityDifference(Map<String, Double> rates, String unprivileged,
            String privileged) {
        Double u = rates.get(unprivileged);
        Double p = rates.get(privileged);
        return u == null || p == null ? OptionalDouble.empty() : OptionalDouble.of(u - p);
    }

    /** True-positive rate of a group (over decisions whose right answer is known); empty without positives. */
    public static OptionalDouble truePositiveRate(Collection<Outcome> outcomes, String group) {
        return rate(outcomes, group, true);
    }

    /** False-positive rate of a group; empty without negatives. */
    public static OptionalDouble falsePositiveRate(Collection<Outcome> outcomes, String group) {
        return rate(outcomes, group, false);
    }

    private static OptionalDouble rate(Collection<Outcome> outcomes, String group, boolean actual) {
        long n = 0;
        long favourable = 0;
        for (Outcome o : outcomes) {
            if (o.group().equals(group) && o.actual() != null && o.actual() == actual) {
                n++;
                if (o.predicted()) {
                    favourable++;
                }
            }
        }
        return n == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) favourable / n);
    }

    /** TPR_U − TPR_P. */
    public static OptionalDouble equalOpportunityDifference(Collection<Outcome> outcomes, String unprivileged,
            String privileged) {
        OptionalDouble u = truePositiveRate(outcomes, unprivileged);
        OptionalDouble p = truePositiveRate(outcomes, privileged);
        return u.isPresent() && p.isPresent() ? OptionalDouble.of(u.getAsDouble() - p.getAsDouble())
                : OptionalDouble.empty();
    }

    /** ½[(FPR_U − FPR_P) + (TPR_U − TPR_P)]. */
    public static OptionalDouble averageOddsDifference(Collection<Outcome> outcomes, String unprivileged,
            String privileged) {
        OptionalDouble tu = truePositiveRate(outcomes, unprivileged);
        OptionalDouble tp = truePositiveRate(outcomes, privileged);
        OptionalDouble fu = falsePositiveRate(outcomes, unprivileged);
        OptionalDouble fp = falsePositiveRate(outcomes, privileged);
        if (tu.isEmpty() || tp.isEmpty() || fu.isEmpty() || fp.isEmpty()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(0.5 * ((fu.getAsDouble() - fp.getAsDouble()) + (tu.getAsDouble() - tp.getAsDouble())));
    }

    /**
     * max(max − min of TPR across groups, max − min of FPR across groups), over the groups where both rates are
     * defined; empty with fewer than two such groups.
     */
    public static OptionalDouble equalizedOddsDifference(Collection<Outcome> outcomes) {
        List<Double> tprs = new ArrayList<>();
        List<Double> fprs = new ArrayList<>();
        for (String g : selectionRates(outcomes).keySet()) {
            OptionalDouble t = truePositiveRate(outcomes, g);
            OptionalDouble f = falsePositiveRate(outcomes, g);
            if (t.isPresent() && f.isPresent()) {
                tprs.add(t.getAsDouble());
                fprs.add(f.getAsDouble());
            }
        }
        if (tprs.size() < 2) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(Math.max(spread(tprs), spread(fprs)));
    }

    private static double spread(List<Double> values) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return max - min;
    }

    /**
     * Σₘ (|Bₘ|/n)·|acc(Bₘ) − conf(Bₘ)| over {@code bins} equal-width confidence bins ((m−1)/M, m/M], the first
     * also taking 0; acc is the share of right decisions in the bin, conf the mean confidence. Only decisions
     * with a confidence and a known right answer count; empty when there are none.
     */
    public static OptionalDouble expectedCalibrationError(Collection<Outcome> outcomes, int bins) {
        if (bins < 1) {
            throw new IllegalArgumentException("bins must be at least 1; got " + bins);
        }
        long[] n = new long[bins];
        long[] right = new long[bins];
        double[] confidence = new double[bins];
        long total = 0;
        for (Outcome o : outcomes) {
            if (o.confidence() == null || o.actual() == null) {
                continue;
            }
            int m = bin(o.confidence(), bins);
            n[m]++;
            confidence[m] += o.confidence();
            if (o.predicted() == o.actual()) {
                right[m]++;
            }
            total++;
        }
        if (total == 0) {
            return OptionalDouble.empty();
        }
        double ece = 0;
        for (int m = 0; m < bins; m++) {
            if (n[m] > 0) {
                ece += ((double) n[m] / total) * Math.abs((double) right[m] / n[m] - confidence[m] / n[m]);
            }
        }
        return OptionalDouble.of(ece);
    }

    /** The bin ((m−1)/M, m/M] of a confidence, compared against the edges themselves: 0.3·10 is not 3 in doubles. */
    private static int bin(double confidence, int bins) {
        int m = Math.min(bins - 1, Math.max(0, (int) Math.ceil(confidence * bins) - 1));
        while (m > 0 && confidence <= (double) m / bins) {
            m--;
        }
        while (m < bins - 1 && confidence > (double) (m + 1) / bins) {
            m++;
        }
        return m;
    }

    /** Floor for an empty bin's share in {@link #populationStabilityIndex}: ln(0) would be infinite. */
    public static final double PSI_EMPTY_BIN = 1e-4;

    /**
     * Σᵢ (Pᵢ − Qᵢ)·ln(Pᵢ/Qᵢ), P the current shares and Q the baseline's, over {@code bins} bins of the baseline:
     * its quantiles (equal counts), values beyond its range falling in the first or last bin. A share of 0
     * counts as {@link #PSI_EMPTY_BIN}. Below 0.1 stable, 0.1–0.25 moderate, above 0.25 a major shift.
     */
    public static double populationStabilityIndex(double[] baseline, double[] current, int bins) {
        if (baseline.length == 0 || current.length == 0) {
            throw new IllegalArgumentException("PSI needs values in both the baseline and the current sample");
        }
        if (bins < 2) {
            throw new IllegalArgumentException("bins must be at least 2; got " + bins);
        }
        double[] sorted = baseline.clone();
        Arrays.sort(sorted);
        double[] edges = new double[bins - 1];
        for (int i = 1; i < bins; i++) {
            edges[i - 1] = sorted[(int) Math.min(sorted.length - 1, (long) i * sorted.length / bins)];
        }
        double[] q = shares(baseline, edges, bins);
        double[] p = shares(current, edges, bins);
        double psi = 0;
        for (int i = 0; i < bins; i++) {
            double pi = Math.max(p[i], PSI_EMPTY_BIN);
            double qi = Math.max(q[i], PSI_EMPTY_BIN);
            psi += (pi - qi) * Math.log(pi / qi);
        }
        return psi;
    }

    /** Share of {@code values} in each bin: bin i holds edges[i−1] ≤ v &lt; edges[i]. */
    private static double[] shares(double[] values, double[] edges, int bins) {
        double[] out = new double[bins];
        for (double v : values) {
            int i = Arrays.binarySearch(edges, v);
            int bin = i >= 0 ? i + 1 : -i - 1;
            // equal edges (many equal values): the value goes to the last bin starting at it
            while (i >= 0 && bin < edges.length && edges[bin] == v) {
                bin++;
            }
            out[bin]++;
        }
        for (int i = 0; i < bins; i++) {
            out[i] /= values.length;
        }
        return out;
    }
}
