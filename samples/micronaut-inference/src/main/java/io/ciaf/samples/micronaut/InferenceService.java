package io.ciaf.samples.micronaut;

import io.micronaut.runtime.Micronaut;

/**
 * A Micronaut HTTP service that scores loan applications. Start it with the agent:
 * {@code java -javaagent:ciaf-agent.jar -Dciaf.capture.inference_receipts=hmac -jar micronaut-inference.jar}.
 */
public final class InferenceService {

    private InferenceService() {
    }

    public static void main(String[] args) {
        Micronaut.run(InferenceService.class, args);
    }
}
