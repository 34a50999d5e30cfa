package io.ciaf.webhook;

import java.nio.file.Path;
import java.time.Duration;

import io.ciaf.api.Stage;
import io.ciaf.runtime.Ciaf;
import io.ciaf.runtime.MetadataCapture;

/**
 * An application run in its own JVM by {@link WebhookRestartTest}: {@code backlog N} captures N records and
 * waits to be killed; {@code resume} captures one and exits once the outbox has nothing pending.
 */
public final class WebhookApp {

    private WebhookApp() {
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(System.getProperty("ciaf.home"));
        int n = args[0].equals("backlog") ? Integer.parseInt(args[1]) : 1;
        for (int i = 0; i < n; i++) {
            try (MetadataCapture c = Ciaf.capture("credit", Stage.INFERENCE, "predict")) {
                c.put("n", i).put("run", args[0]);
            }
        }
        if (!Ciaf.flush(Duration.ofSeconds(30))) {
            System.exit(3);
        }
        System.out.println("captured");
        System.out.flush();
        if (args[0].equals("backlog")) {
            Thread.sleep(Long.MAX_VALUE);
        }
        try (Outbox outbox = Outbox.open(home)) {
            long end = System.currentTimeMillis() + 60_000;
            while (outbox.counts().get("PENDING") > 0 && System.currentTimeMillis() < end) {
                Thread.sleep(20);
            }
            System.out.println("pending " + outbox.counts().get("PENDING"));
        }
    }
}
