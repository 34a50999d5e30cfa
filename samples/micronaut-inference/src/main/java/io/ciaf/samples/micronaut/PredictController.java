package io.ciaf.samples.micronaut;

import java.util.LinkedHashMap;
import java.util.Map;

import io.ciaf.api.CaptureMetadata;
import io.ciaf.api.Stage;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.exceptions.HttpStatusException;

/**
 * {@code POST /predict} with an application as JSON ({@code amount}, {@code duration_months}, {@code age},
 * {@code existing_credits}) answers with a decision and its score. The endpoint is annotated: under the agent
 * each request becomes an INFERENCE record, and with {@code capture.inference_receipts} a receipt committing to
 * the application as sent and to the answer.
 */
@Controller
public class PredictController {

    /** A fixed scorecard (logistic): what the sample needs to answer, not a model worth copying. */
    static double score(Map<String, Object> application) {
        double z = 1.2 - 0.00018 * number(application, "amount") - 0.035 * number(application, "duration_months")
                + 0.012 * number(application, "age") - 0.2 * number(application, "existing_credits");
        return 1 / (1 + Math.exp(-z));
    }

    private static double number(Map<String, Object> application, String key) {
        Object v = application.get(key);
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("'" + key + "' must be a number; got " + v);
        }
        return n.doubleValue();
    }

    @Post("/predict")
    @CaptureMetadata(model = "loan-scorecard", version = "1.0", stage = Stage.INFERENCE, event = "predict")
    public Map<String, Object> predict(@Body Map<String, Object> application) {
        double s;
        try {
            s = score(application);
        } catch (IllegalArgumentException e) {
            // recorded as a failed call (outcome "exception"), without a receipt
            throw new HttpStatusException(HttpStatus.BAD_REQUEST, e.getMessage());
        }
        // returned as a plain map, so the receipt commits to exactly the JSON the client gets
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("decision", s >= 0.5 ? "approve" : "deny");
        out.put("score", s);
        return out;
    }
}
