package io.ciaf.webhook;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * Where and how events are delivered ({@code webhooks.*} config keys). The secret signs every delivery and is
 * never shown: {@link #toString()} leaves it out.
 */
public record WebhookSettings(URI url, String secret, List<String> events, List<String> models, List<String> stages,
        int timeoutMillis, int maxAttempts, int backoffMillis, int maxBackoffMillis) {

    public WebhookSettings {
        Objects.requireNonNull(url, "url");
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("webhooks.secret is not set: set CIAF_WEBHOOK_SECRET so that"
                    + " receivers can check each delivery's X-CIAF-Signature");
        }
        events = List.copyOf(events);
        models = List.copyOf(models);
        stages = List.copyOf(stages);
    }

    /** Whether an event passes the event, model and stage filters. */
    public boolean wants(io.ciaf.api.AuditEvent e) {
        return (events.isEmpty() || events.contains(e.name()))
                && (models.isEmpty() || e.model() == null || models.contains(e.model()))
                && (stages.isEmpty() || e.stage() == null || stages.contains(e.stage().wireName()));
    }

    @Override
    public String toString() {
        return "WebhookSettings[url=" + url + ", secret=(not shown), events=" + events + ", models=" + models
                + ", stages=" + stages + ", timeoutMillis=" + timeoutMillis + ", maxAttempts=" + maxAttempts
                + ", backoffMillis=" + backoffMillis + ", maxBackoffMillis=" + maxBackoffMillis + "]";
    }
}
