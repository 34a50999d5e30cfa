package io.ciaf.compliance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Known answers computed by hand (see each comment). The set: group f, 10 decisions, 4 favourable; of its 5
 * actual positives 3 got the favourable decision, of its 5 negatives 1. Group m, 10 decisions, 6 favourable; of
 * its 6 positives 5, of its 4 negatives 1.
 */
class FairnessMetricsTest {

    private static final double EPS = 1e-12;

    private static List<Outcome> set() {
        List<Outcome> o = new ArrayList<>();
        for (boolean p : new boolean[] {true, true, true, false, false}) {
            o.add(Outcome.of("f", p, true));
        }
        for (boolean p : new boolean[] {true, false, false, false, false}) {
            o.add(Outcome.of("f", p, false));
        }
        for (boolean p : new boolean[] {true, true, true, true, true, false}) {
            o.add(Outcome.of("m", p, true));
        }
        for (boolean p : new boolean[] {true, false, false, false}) {
            o.add(Outcome.of("m", p, false));
        }
        return o;
    }

    @Test
    void selectionRatesDisparateImpactAndStatisticalParity() {
        Map<String, Double> rates = FairnessMetrics.selectionRates(set());
        assertThat(rates).containsEntry("f", 0.4).containsEntry("m", 0.6);
        // 0.4 / 0.6
        assertThat(FairnessMetrics.disparateImpactRatio(rates).getAsDouble()).isCloseTo(2.0 / 3, within(EPS));
        assertThat(FairnessMetrics.disparateImpactRatio(rates, "f", "m").getAsDouble()).isCloseTo(2.0 / 3, within(EPS));
        assertThat(FairnessMetrics.disparateImpactRatio(rates, "m", "f").getAsDouble()).isCloseTo(1.5, within(EPS));
        // 0.4 − 0.6
        assertThat(FairnessMetrics.statisticalParityDifference(rates, "f", "m").getAsDouble()).isCloseTo(-0.2, within(EPS));
        assertThat(FairnessMetrics.counts(set()).get("m")).containsExactly(10, 6);
    }

    @Test
    void equalOpportunityAverageOddsAndEqualizedOdds() {
        List<Outcome> o = set();
        // TPR f = 3/5, TPR m = 5/6; FPR f = 1/5, FPR m = 1/4
        assertThat(FairnessMetrics.truePositiveRate(o, "m").getAsDouble()).isCloseTo(5.0 / 6, within(EPS));
        assertThat(FairnessMetrics.falsePositiveRate(o, "m").getAsDouble()).isCloseTo(0.25, within(EPS));
        // 0.6 − 5/6
        assertThat(FairnessMetrics.equalOpportunityDifference(o, "f", "m").getAsDouble())
                .isCloseTo(-0.23333333333333334, within(EPS));
        // ½[(0.2 − 0.25) + (0.6 − 5/6)]
        assertThat(FairnessMetrics.averageOddsDifference(o, "f", "m").getAsDouble())
                .isCloseTo(-0.14166666666666666, within(EPS));
        // max(5/6 − 0.6, 0.25 − 0.2)
        assertThat(FairnessMetrics.equalizedOddsDifference(o).getAsDouble()).isCloseTo(0.23333333333333334, within(EPS));
    }

    @Test
    void emptyGroupsASingleGroupAndAllEqualPredictions() {
        assertThat(FairnessMetrics.selectionRates(List.of())).isEmpty();
        assertThat(FairnessMetrics.disparateImpactRatio(Map.of())).isEmpty();
        List<Outcome> single = List.of(Outcome.of("f", true, true), Outcome.of("f", false, false));
        Map<String, Double> one = FairnessMetrics.selectionRates(single);
        assertThat(FairnessMetrics.disparateImpactRatio(one)).isEmpty();
        assertThat(FairnessMetrics.disparateImpactRatio(one, "f", "m")).isEmpty();
        assertThat(FairnessMetrics.statisticalParityDifference(one, "f", "m")).isEmpty();
        assertThat(FairnessMetrics.equalOpportunityDifference(single, "f", "m")).isEmpty();
        assertThat(FairnessMetrics.equalizedOddsDifference(single)).isEmpty();

        List<Outcome> allYes = List.of(Outcome.of("f", true, true), Outcome.of("m", true, false));
        Map<String, Double> yes = FairnessMetrics.selectionRates(allYes);
        assertThat(FairnessMetrics.disparateImpactRatio(yes).getAsDouble()).isEqualTo(1.0);
        assertThat(FairnessMetrics.statisticalParityDifference(yes, "f", "m").getAsDouble()).isEqualTo(0.0);
        Map<String, Double> no = FairnessMetrics.selectionRates(List.of(Outcome.of("f", false), Outcome.of("m", false)));
        assertThat(FairnessMetrics.disparateImpactRatio(no).getAsDouble()).isEqualTo(1.0);
        assertThat(FairnessMetrics.disparateImpactRatio(no, "f", "m")).isEmpty(); // privileged rate 0
        // f has no actual negatives, m no actual positives: the odds metrics are not defined
        assertThat(FairnessMetrics.averageOddsDifference(allYes, "f", "m")).isEmpty();
    }

    @Test
    void expectedCalibrationErrorBinsAtTheirEdges() {
        // bins ((m−1)/10, m/10]: 0.9 and 0.9 share bin 9 (acc ½, conf 0.9 → 0.4 · 2/4); 0.3 is in bin 3
        // (|1 − 0.3| · 1/4); 0.65 in bin 7 (|1 − 0.65| · 1/4): 0.2 + 0.175 + 0.0875
        List<Outcome> o = List.of(new Outcome("g", true, true, 0.9), new Outcome("g", true, false, 0.9),
                new Outcome("g", false, false, 0.3), new Outcome("g", true, true, 0.65),
                Outcome.of("g", true, true)); // no confidence: not counted
        assertThat(FairnessMetrics.expectedCalibrationError(o, 10).getAsDouble()).isCloseTo(0.4625, within(EPS));
        // 0.3 and 0.35 in different bins: ½·|1 − 0.3| + ½·|0 − 0.35| (merged they would give 0.175)
        List<Outcome> edge = List.of(new Outcome("g", true, true, 0.3), new Outcome("g", true, false, 0.35));
        assertThat(FairnessMetrics.expectedCalibrationError(edge, 10).getAsDouble()).isCloseTo(0.525, within(EPS));
        assertThat(FairnessMetrics.expectedCalibrationError(List.of(Outcome.of("g", true)), 10)).isEmpty();
    }

    @Test
    void populationStabilityIndexOverTheBaselinesQuantiles() {
        double[] baseline = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        // two bins split at 6: baseline ½, ½; current 0.3, 0.7: (−0.2)·ln(0.3/0.5) + 0.2·ln(0.7/0.5)
        double[] shifted = {1, 2, 3, 6, 7, 8, 9, 10, 10, 10};
        assertThat(FairnessMetrics.populationStabilityIndex(baseline, shifted, 2)).isCloseTo(0.16945957207744072,
                within(1e-12));
        assertThat(FairnessMetrics.populationStabilityIndex(baseline, baseline, 10)).isCloseTo(0.0, within(EPS));
        // an empty bin counts as 1e-4: (1e-4 − 0.5)·ln(1e-4/0.5) + 0.5·ln(1/0.5)
        double[] allHigh = {6, 7, 8, 9, 10, 20, 30};
        assertThat(FairnessMetrics.populationStabilityIndex(baseline, allHigh, 2)).isCloseTo(4.60431846666895,
                within(1e-9));
    }
}
