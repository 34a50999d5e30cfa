package io.ciaf.benchmarks;

import io.ciaf.api.CaptureMetadata;
import io.ciaf.api.CaptureMode;
import io.ciaf.api.Stage;

/**
 * A diagnostic, not a JMH benchmark: how long the first {@code sync} call of a JVM takes when the application
 * spends {@code startMillis} in its own start-up after loading the class with the captured method (the call
 * returns once its record is in the ledger, so it also waits for the home to open if it is not open yet).
 * Starts from an empty home. Run from the repository root, a few times:
 *
 * <pre>
 * java -javaagent:ciaf-agent/target/ciaf-agent.jar -Dciaf.home=target/bench-first-call \
 *      -cp benchmarks/target/benchmarks.jar io.ciaf.benchmarks.FirstSyncCall 1000
 * </pre>
 */
public final class FirstSyncCall {

    private FirstSyncCall() {
    }

    static final class Model {
        private Model() {
        }

        @CaptureMetadata(model = "first-call", stage = Stage.INFERENCE, event = "predict", mode = CaptureMode.SYNC)
        static int predict(int x) {
            return x + 1;
        }
    }

    public static void main(String[] args) throws Exception {
        // Deleted before the model class loads: with the agent, that load starts opening the home.
        TempFiles.emptyCiafHome();
        Class.forName(Model.class.getName());
        Thread.sleep(Long.parseLong(args[0])); // the application's own start-up
        long t = System.nanoTime();
        int r = Model.predict(1);
        long ms = (System.nanoTime() - t) / 1_000_000;
        System.out.println("first sync call: " + ms + " ms (result " + r + ")");
    }
}
