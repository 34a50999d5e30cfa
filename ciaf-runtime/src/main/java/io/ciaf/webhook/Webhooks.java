package io.ciaf.webhook;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;

import io.ciaf.api.AuditEvent;
import io.ciaf.api.internal.CanonicalJson;
import io.ciaf.api.internal.JsonValues;
import io.ciaf.api.internal.TimeOrderedIds;
import io.ciaf.api.spi.RecordListener;

/**
 * The webhook sink: events that pass the filters go into the durable {@link Outbox} (on the caller's thread,
 * one transaction per batch), and a sender thread POSTs them with FORMATS.md's headers, retrying with
 * exponential backoff and jitter until a 2xx answer or the last attempt. Sending never blocks capture: a slow or
 * dead receiver only lengthens the outbox.
 */
public final class Webhooks implements RecordListener, AutoCloseable {

    /** What the sender reports: a problem key and a sentence (never the secret). */
    private final BiConsumer<String, String> problems;
    private final WebhookSettings settings;
    private final Outbox outbox;
    private final HttpClient http;
    private final Thread sender;
    private volatile boolean stopping;

    private Webhooks(WebhookSettings settings, Outbox outbox, BiConsumer<String, String> problems, boolean start) {
        this.settings = settings;
        this.outbox = outbox;
        this.problems = problems;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(settings.timeoutMillis()))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.sender = new Thread(this::sendLoop, "ciaf-webhooks");
        sender.setDaemon(true);
        if (start) {
            sender.start();
        }
    }

    /** Opens the outbox of {@code home} and starts sending what is pending in it, from earlier runs too. */
    public static Webhooks start(Path home, WebhookSettings settings, BiConsumer<String, String> problems) {
        return new Webhooks(settings, Outbox.open(home), problems, true);
    }

    /** A sink that only queues (the CLI, which sends in the foreground with {@link #sendDue}). */
    public static Webhooks queueOnly(Path home, WebhookSettings settings, BiConsumer<String, String> problems) {
        return new Webhooks(settings, Outbox.open(home), problems, false);
    }

    public Outbox outbox() {
        return outbox;
    }

    @Override
    public void onEvents(List<AuditEvent> events) {
        List<Outbox.Delivery> deliveries = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (AuditEvent e : events) {
            if (!settings.wants(e)) {
                continue;
            }
            String id = TimeOrderedIds.next().toString();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("delivery_id", id);
            body.put("event", e.name());
            body.put("time", e.time().toString());
            body.put("model", e.model());
            body.put("stage", e.stage() == null ? null : e.stage().wireName());
            body.put("data", e.data());
            String json;
            try {
                json = CanonicalJson.write(JsonValues.normalize(body, "webhook"));
            } catch (IllegalArgumentException bad) {
                problems.accept("webhook-body:" + e.name(), "a " + e.name() + " event holds a value that is not JSON"
                        + " and is not sent: " + bad.getMessage());
                continue;
            }
            deliveries.add(new Outbox.Delivery(id, e.name(), e.model(), json, now, 0, now, "PENDING", null));
        }
        if (!deliveries.isEmpty()) {
            outbox.add(deliveries);
            LockSupport.unpark(sender);
        }
    }

    private void sendLoop() {
        outbox.pruneDelivered(System.currentTimeMillis() - Duration.ofDays(7).toMillis());
        while (!stopping) {
            long wait;
            try {
                sendDue(Long.MAX_VALUE);
                long next = outbox.nextDue();
                wait = next < 0 ? 1000 : Math.max(1, Math.min(1000, next - System.currentTimeMillis()));
            } catch (RuntimeException e) {
                problems.accept("webhook-outbox", "the webhook sender could not use its outbox; it tries again: "
                        + e.getMessage());
                wait = 1000;
            }
            LockSupport.parkNanos(wait * 1_000_000L);
        }
    }

    /**
     * Sends every delivery due now, until none is due or {@code deadlineMillis} (epoch ms) passes.
     *
     * @return how many were delivered
     */
    public int sendDue(long deadlineMillis) {
        int delivered = 0;
        // A lease covers one round of concurrent attempts; a sender killed mid-round delays those deliveries by
        // at most this much in the next process.
        long lease = settings.timeoutMillis() + 2000L;
        while (!stopping && System.currentTimeMillis() < deadlineMillis) {
            List<Outbox.Delivery> due = outbox.takeDue(System.currentTimeMillis(), 16, lease);
            if (due.isEmpty()) {
                return delivered;
            }
            List<CompletableFuture<Boolean>> round = new ArrayList<>(due.size());
            for (Outbox.Delivery d : due) {
                round.add(attempt(d));
            }
            for (CompletableFuture<Boolean> f : round) {
                if (f.join()) {
                    delivered++;
                }
            }
        }
        return delivered;
    }

    private CompletableFuture<Boolean> attempt(Outbox.Delivery d) {
        HttpRequest request;
        try {
            long t = System.currentTimeMillis() / 1000;
            request = HttpRequest.newBuilder(settings.url())
                    .timeout(Duration.ofMillis(settings.timeoutMillis()))
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "ciaf-webhooks")
                    .header("X-CIAF-Event", d.event())
                    .header("X-CIAF-Delivery", d.id())
                    .header("X-CIAF-Signature", WebhookSignature.sign(settings.secret(), t, d.body()))
                    .POST(HttpRequest.BodyPublishers.ofString(d.body())).build();
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(failed(d, e.toString()));
        }
        return http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).handle((response, error) -> {
            try {
                if (error == null && response.statusCode() / 100 == 2) {
                    outbox.delivered(d.id(), System.currentTimeMillis());
                    return true;
                }
                Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                return failed(d, cause == null ? "HTTP " + response.statusCode()
                        : cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
            } catch (RuntimeException e) {
                problems.accept("webhook-outbox", "a webhook delivery's result could not be written to the outbox;"
                        + " it will be sent again: " + e.getMessage());
                return false;
            }
        });
    }

    private boolean failed(Outbox.Delivery d, String error) {
        int attempts = d.attempts() + 1;
        boolean dead = attempts >= settings.maxAttempts();
        long now = System.currentTimeMillis();
        outbox.failed(d.id(), error, now + backoff(attempts), dead, now);
        if (dead) {
            problems.accept("webhook-dead", "webhook delivery " + d.id() + " (" + d.event() + ") to "
                    + settings.url() + " failed " + attempts + " times (last: " + error + "); it is a dead letter now:"
                    + " see ciaf webhooks status, send it again with ciaf webhooks retry");
        }
        return false;
    }

    /** Exponential backoff with ±50% jitter: backoff · 2^(attempt−1), capped. */
    long backoff(int attempt) {
        double base = Math.min(settings.maxBackoffMillis(),
                settings.backoffMillis() * Math.pow(2, Math.min(30, attempt - 1)));
        return Math.max(1, (long) (base * (0.5 + ThreadLocalRandom.current().nextDouble())));
    }

    /** Stops the sender after at most {@code graceMillis} more of sending; what is pending stays in the outbox. */
    public void stop(long graceMillis) {
        if (sender.isAlive()) {
            long deadline = System.currentTimeMillis() + graceMillis;
            long due;
            while (System.currentTimeMillis() < deadline && (due = outbox.nextDue()) >= 0
                    && due <= System.currentTimeMillis()) {
                LockSupport.unpark(sender);
                LockSupport.parkNanos(10_000_000L);
            }
            stopping = true;
            LockSupport.unpark(sender);
            try {
                sender.join(settings.timeoutMillis() + 1000L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        stopping = true;
    }

    @Override
    public void close() {
        stop(2000);
        outbox.close();
    }
}
