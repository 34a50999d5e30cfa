package io.ciaf.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ciaf.compliance.Assessment;
import io.ciaf.compliance.CheckResult;
import io.ciaf.compliance.ComplianceReport;
import io.ciaf.compliance.FrameworkScore;
import io.ciaf.ledger.AuditLedger;
import io.ciaf.runtime.CiafConfig;
import io.ciaf.runtime.ComplianceTracker;
import io.ciaf.storage.MetadataStorage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "compliance", description = "Score a model's recorded evidence against compliance frameworks.",
        subcommands = {ComplianceCommand.Assess.class, ComplianceCommand.Report.class})
final class ComplianceCommand implements Runnable {

    @ParentCommand
    CiafCommand parent;

    @Override
    public void run() {
        parent.spec.subcommands().get("compliance").usage(parent.console.err());
    }

    /** What assess and report share: the model, the frameworks, the home. */
    abstract static class Run {
        @Mixin
        HomeOption homeOption;
        @Parameters(index = "0", paramLabel = "MODEL", description = "The model's name.")
        String model;
        @Option(names = "--framework", paramLabel = "ID", split = ",",
                description = "Only these frameworks (eu-ai-act, gdpr, fda-21-cfr-11, eeoc, fcra-ecoa, hipaa,"
                        + " iso-13485, or one on the class path); default: compliance.frameworks, else all")
        List<String> frameworks = new ArrayList<>();
        @Option(names = "--by", paramLabel = "WHO", description = "Who runs the assessment (default: the OS user).")
        String by = System.getProperty("user.name");
        @Option(names = "--as-of", paramLabel = "INSTANT", hidden = true,
                description = "Assess as if it were this instant (ISO-8601), for tests and rehearsals.")
        Instant asOf;

        /** Assesses, records the assessment (COMPLIANCE entry + compliance record) and notifies the webhook. */
        Assessed assess(Console console) {
            CiafConfig config = homeOption.validConfig(console);
            Path home = console.home(homeOption.home);
            try (AuditLedger ledger = AuditLedger.open(home);
                    MetadataStorage storage = MetadataStorage.open(config.storagePath(), config.storageBackend())) {
                var list = ComplianceTracker.frameworks(List.of(),
                        frameworks.isEmpty() ? config.complianceFrameworks() : frameworks);
                var history = ComplianceTracker.history(ledger, model);
                var evidence = ComplianceTracker.evidence(ledger, config, model, asOf == null ? Instant.now() : asOf);
                if (evidence.records().isEmpty()) {
                    throw new IllegalArgumentException("no records of model '" + model + "' in " + home
                            + "; known models: " + storage.models());
                }
                Assessment a = Assessment.run(model, list, evidence, config.blockingCap());
                ComplianceTracker.Recorded recorded = ComplianceTracker.record(ledger, storage, a, by);
                Notify.events(config, home, ComplianceTracker.events(ledger, evidence, a, recorded), console);
                return new Assessed(a, recorded, history, config);
            }
        }
    }

    record Assessed(Assessment assessment, ComplianceTracker.Recorded recorded, List<ComplianceReport.ScorePoint> history,
            CiafConfig config) {
    }

    static String score(FrameworkScore s) {
        return s.score().isPresent() ? String.format(Locale.ROOT, "%5.1f%%", 100 * s.score().getAsDouble()) : "  n/a ";
    }

    @Command(name = "assess", description = "Assess MODEL, record the assessment in the ledger (type COMPLIANCE)"
            + " and print the score per framework with every failed check.")
    static final class Assess extends Run implements Callable<Integer> {
        @ParentCommand
        ComplianceCommand parent;

        @Override
        public Integer call() {
            Console console = parent.parent.console;
            Assessed done = assess(console);
            Assessment a = done.assessment();
            console.out().println("compliance of " + a.model() + " from " + a.records() + " records, ledger "
                    + (a.ledgerIntact() ? "verified" : "DOES NOT VERIFY") + ":");
            for (FrameworkScore s : a.scores()) {
                List<CheckResult> failed = a.failed().getOrDefault(s.frameworkId(), List.of());
                console.out().println("  " + score(s) + "  " + s.name() + (s.capped() ? " (capped)" : "")
                        + (failed.isEmpty() ? "" : "   failed: " + String.join(", ",
                                failed.stream().map(CheckResult::checkId).toList())));
            }
            a.failed().forEach((f, results) -> results.forEach(r -> console.out().println("  " + r.checkId() + ": "
                    + r.reason())));
            console.out().println("recorded at ledger position " + done.recorded().position());
            return a.ledgerIntact() ? Console.OK : Console.TAMPERED;
        }
    }

    @Command(name = "report", description = "Assess MODEL (recorded like assess) and write a report: json, md, or"
            + " html (one self-contained file: scores, scores over time, selection rates against the four-fifths"
            + " line, failed checks with their evidence).")
    static final class Report extends Run implements Callable<Integer> {
        @ParentCommand
        ComplianceCommand parent;
        @Option(names = "--format", paramLabel = "json|md|html", defaultValue = "html")
        String format;
        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write here (default: stdout).")
        Path output;

        @Override
        public Integer call() {
            Console console = parent.parent.console;
            if (!List.of("json", "md", "html").contains(format)) {
                throw new IllegalArgumentException("--format " + format + ": use json, md or html");
            }
            Assessed done = assess(console);
            Assessment a = done.assessment();
            double fourFifths = done.config().fourFifths();
            String text = switch (format) {
                case "md" -> ComplianceReport.markdown(a, fourFifths);
                case "html" -> ComplianceReport.html(a, done.history(), fourFifths);
                default -> json(a, done);
            };
            if (output == null) {
                console.out().print(text);
                console.out().flush();
            } else {
                try {
                    Path parentDir = output.toAbsolutePath().getParent();
                    if (parentDir != null) {
                        Files.createDirectories(parentDir);
                    }
                    Files.writeString(output, text, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write the report to " + output + ": " + e.getMessage(), e);
                }
                console.err().println("wrote " + output + " (assessment at ledger position "
                        + done.recorded().position() + ")");
            }
            return a.ledgerIntact() ? Console.OK : Console.TAMPERED;
        }

        private static String json(Assessment a, Assessed done) {
            Map<String, Object> m = new LinkedHashMap<>(a.toMap());
            m.put("ledger_position", done.recorded().position());
            List<Object> history = new ArrayList<>();
            done.history().forEach(h -> history.add(Map.of("assessed_at", h.at().toString(), "scores", h.scores())));
            m.put("history", history);
            try {
                return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m) + "\n";
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("cannot write the report as JSON: " + e.getMessage(), e);
            }
        }
    }
}
