package com.example.host;

import java.nio.file.Files;
import java.nio.file.Path;

import io.ciaf.api.CaptureMetadata;
import io.ciaf.api.Stage;

/**
 * Loads a class with a captured method and never calls it; waits (up to 20 s) for CIAF's ledger to appear in the
 * home given as the argument, and prints whether it did.
 */
public final class EarlyOpenApp {

    private EarlyOpenApp() {
    }

    static final class Model {
        private Model() {
        }

        @CaptureMetadata(model = "credit", stage = Stage.INFERENCE, event = "never_called")
        static int predict(int x) {
            return x;
        }
    }

    public static void main(String[] args) throws Exception {
        Class.forName(Model.class.getName());
        Path ledger = Path.of(args[0], "ledger.db");
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!Files.exists(ledger) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        System.out.println("ledger before any call: " + Files.exists(ledger));
    }
}
