package io.ciaf.samples.credit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class CreditDataTest {

    @Test
    void theExtractedFileHoldsTheGermanCreditDataAsPublished() {
        CreditData d = CreditData.load();
        // Statlog German Credit: 1,000 applicants, 20 attributes plus the class, 700 good and 300 bad
        assertThat(d.applicants()).hasSize(1000);
        assertThat(d.attributes()).hasSize(21).startsWith("checking_status", "duration").endsWith("class");
        assertThat(d.applicants().stream().filter(CreditData.Applicant::good).count()).isEqualTo(700);
        assertThat(d.values("personal_status")).contains("female div/dep/mar", "male single");
        CreditData.Applicant first = d.applicants().get(0);
        assertThat(first.values()).containsEntry("checking_status", "<0").containsEntry("duration", 6.0)
                .containsEntry("credit_amount", 1169.0).containsEntry("age", 67.0);
        assertThat(first.good()).isTrue();
        assertThat(first.sex()).isEqualTo("male");
        assertThat(first.ageGroup()).isEqualTo("25_and_over");
        assertThat(d.applicants().stream().filter(a -> a.sex().equals("female")).count()).isEqualTo(310);
    }

    @Test
    void quotedValuesKeepTheirCommasAndSpaces() {
        assertThat(CreditData.split("'a, b',2,'no checking'")).isEqualTo(List.of("a, b", "2", "no checking"));
    }
}
