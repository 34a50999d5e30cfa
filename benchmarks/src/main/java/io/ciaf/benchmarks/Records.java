package io.ciaf.benchmarks;

import io.ciaf.api.MetadataRecord;
import io.ciaf.api.Stage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Realistic inference and training records (about 300 bytes of metadata each). */
final class Records {

    private Records() {
    }

    static MetadataRecord inference(String model, long i) {
        return MetadataRecord.builder(model, Stage.INFERENCE, "prediction")
                .version("2.1.0")
                .traceId("req-" + i)
                .put("request_id", "req_" + i)
                .put("input_features", 15)
                .put("prediction", i % 3 == 0 ? "denied" : "approved")
                .put("confidence", 0.5 + (i % 500) / 1000.0)
                .put("processing_time_ms", 12.5)
                .put("feature_values_hash", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
                .put("explanation", Map.of("top_feature", "credit_history", "weight", 0.31))
                .build();
    }

    static List<MetadataRecord> batch(String model, long first, int size) {
        List<MetadataRecord> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(inference(model, first + i));
        }
        return out;
    }
}
