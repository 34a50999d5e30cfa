package io.ciaf.samples.credit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class CreditModelTest {

    @Test
    void theModelBeatsTheMajorityClassOnHeldOutApplicantsAndGivesReasonsItUses() {
        CreditData data = CreditData.load();
        List<CreditData.Applicant> all = data.applicants();
        List<CreditData.Applicant> train = all.stream().filter(a -> a.row() % 10 < 7).toList();
        List<CreditData.Applicant> test = all.stream().filter(a -> a.row() % 10 >= 7).toList();
        // the protected attributes are left out of the model's inputs
        CreditModel.Encoder enc = new CreditModel.Encoder(data, train, List.of("personal_status", "age"));
        assertThat(enc.attributes()).doesNotContain("personal_status", "age").hasSize(18);
        double[][] x = train.stream().map(enc::encode).toArray(double[][]::new);
        boolean[] y = new boolean[train.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = train.get(i).good();
        }
        CreditModel model = new CreditModel();
        double[] parameters = model.fit(x, y, 300, 0.5, 1e-3);
        assertThat(parameters).hasSize(enc.features().size() + 1);

        long correct = 0;
        long good = 0;
        for (CreditData.Applicant a : test) {
            boolean approved = model.predict(enc.encode(a)) >= 0.5;
            correct += approved == a.good() ? 1 : 0;
            good += a.good() ? 1 : 0;
            if (!approved) {
                List<String> reasons = model.reasons(enc, enc.encode(a), 4);
                assertThat(reasons).isNotEmpty().hasSizeLessThanOrEqualTo(4);
                assertThat(enc.attributes()).containsAll(reasons);
            }
        }
        double accuracy = (double) correct / test.size();
        double majority = Math.max(good, test.size() - good) / (double) test.size();
        assertThat(accuracy).isGreaterThan(majority);
    }
}
