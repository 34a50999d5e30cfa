package io.ciaf.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.ciaf.runtime.CiafConfig;
import io.ciaf.webhook.Outbox;
import io.ciaf.webhook.Webhooks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "webhooks", description = "The webhook outbox of a home: what is pending, delivered and dead.",
        subcommands = {WebhooksCommand.Status.class, WebhooksCommand.Retry.class})
final class WebhooksCommand implements Runnable {

    @ParentCommand
    CiafCommand parent;

    @Override
    public void run() {
        parent.spec.subcommands().get("webhooks").usage(parent.console.err());
    }

    static Outbox open(Path home) {
        if (!Files.exists(home.resolve(Outbox.FILE))) {
            throw new IllegalStateException("no webhook outbox in " + home + " (" + Outbox.FILE + "): no webhook has"
                    + " been configured here yet (webhooks.url)");
        }
        return Outbox.open(home);
    }

    @Command(name = "status", description = "Counts per state, the oldest pending deliveries and every dead letter"
            + " with its last error.")
    static final class Status implements Callable<Integer> {
        @ParentCommand
        WebhooksCommand parent;
        @Mixin
        HomeOption homeOption;

        @Override
        public Integer call() {
            Console console = parent.parent.console;
            try (Outbox outbox = open(console.home(homeOption.home))) {
                Map<String, Long> counts = outbox.counts();
                console.out().println("pending " + counts.get("PENDING") + ", delivered " + counts.get("DELIVERED")
                        + ", dead " + counts.get("DEAD"));
                for (Outbox.Delivery d : outbox.list("PENDING", 5)) {
                    console.out().println("  pending " + d.id() + " " + d.event() + " since "
                            + Instant.ofEpochMilli(d.createdMillis()) + ", " + d.attempts() + " attempts"
                            + (d.lastError() == null ? "" : ", last: " + d.lastError()));
                }
                for (Outbox.Delivery d : outbox.list("DEAD", 1000)) {
                    console.out().println("  dead " + d.id() + " " + d.event() + (d.model() == null ? "" : " " + d.model())
                            + " created " + Instant.ofEpochMilli(d.createdMillis()) + ", " + d.attempts()
                            + " attempts, last: " + d.lastError());
                }
                return Console.OK;
            }
        }
    }

    @Command(name = "retry", description = "Make dead letters pending again (all, or --id ones) and send everything"
            + " due now to the configured webhook; exit 3 if deliveries still fail.")
    static final class Retry implements Callable<Integer> {
        @ParentCommand
        WebhooksCommand parent;
        @Mixin
        HomeOption homeOption;
        @Option(names = "--id", paramLabel = "DELIVERY", split = ",", description = "Only these dead deliveries.")
        List<String> ids = new ArrayList<>();
        @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "30",
                description = "Longest time to keep sending (default 30).")
        int waitSeconds;

        @Override
        public Integer call() {
            Console console = parent.parent.console;
            Path home = console.home(homeOption.home);
            CiafConfig config = homeOption.validConfig(console);
            if (config.webhook().isEmpty()) {
                throw new IllegalArgumentException("no webhook is configured: set webhooks.url (CIAF_WEBHOOK_URL) and"
                        + " webhooks.secret (CIAF_WEBHOOK_SECRET)");
            }
            try (Outbox check = open(home)) {
                int made = check.retryDead(ids, System.currentTimeMillis());
                console.out().println(made + " dead deliveries pending again");
            }
            try (Webhooks w = Webhooks.queueOnly(home, config.webhook().get(),
                    (k, m) -> console.err().println("ciaf: " + m))) {
                int sent = w.sendDue(System.currentTimeMillis() + waitSeconds * 1000L);
                Map<String, Long> counts = w.outbox().counts();
                console.out().println("delivered " + sent + "; pending " + counts.get("PENDING") + ", dead "
                        + counts.get("DEAD"));
                return counts.get("PENDING") + counts.get("DEAD") == 0 ? Console.OK : Console.FAILED;
            }
        }
    }
}
