package io.ciaf.cli;

import java.nio.file.Path;
import java.util.List;

import io.ciaf.api.AuditEvent;
import io.ciaf.runtime.CiafConfig;
import io.ciaf.webhook.Webhooks;

/** Sends events a command produced to the configured webhook: queued in the home's outbox, then sent a while. */
final class Notify {

    private static final long SEND_FOR_MILLIS = 10_000;

    private Notify() {
    }

    static void events(CiafConfig config, Path home, List<AuditEvent> events, Console console) {
        if (config.webhook().isEmpty() || events.isEmpty()) {
            return;
        }
        try (Webhooks w = Webhooks.queueOnly(home, config.webhook().get(),
                (k, m) -> console.err().println("ciaf: " + m))) {
            w.onEvents(events);
            w.sendDue(System.currentTimeMillis() + SEND_FOR_MILLIS);
            long pending = w.outbox().counts().get("PENDING");
            if (pending > 0) {
                console.err().println("ciaf: " + pending + " webhook deliveries are pending in " + w.outbox().file()
                        + "; the application sends them, or run ciaf webhooks retry");
            }
        } catch (RuntimeException e) {
            console.err().println("ciaf: the webhook events could not be queued: " + e.getMessage());
        }
    }
}
