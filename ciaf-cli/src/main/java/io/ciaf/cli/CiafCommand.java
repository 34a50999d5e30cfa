package io.ciaf.cli;

import io.ciaf.ledger.LedgerException;
import io.ciaf.ledger.LedgerTamperedException;
import io.ciaf.storage.MetadataStorageException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code ciaf} command: the audit ledger from the shell. */
@Command(name = "ciaf", versionProvider = CiafCommand.Version.class,
        description = "CIAF for the JVM: the audit ledger and configuration of a CIAF home.",
        subcommands = {InitCommand.class, AppendCommand.class, VerifyCommand.class, CheckpointCommand.class,
            ProveCommand.class, ExportCommand.class, ConfigCommand.class, RetentionCommand.class, HoldCommand.class,
            SubjectCommand.class, BackupCommand.class, RestoreCommand.class, RecoverCommand.class,
            RebuildCommand.class, TraceCommand.class, ComplianceCommand.class, WebhooksCommand.class},
        footer = {"", "Exit codes: 0 ok, 1 ledger tampered, 2 bad input or usage, 3 could not run (no ledger, I/O)."})
final class CiafCommand implements Runnable {

    final Console console;

    @Spec
    CommandSpec spec;

    // --help on every command (inherited); --version only here, where `recover model --version` means a model's.
    @Option(names = {"-h", "--help"}, usageHelp = true, scope = CommandLine.ScopeType.INHERIT,
            description = "Show this help message and exit.")
    boolean help;

    @Option(names = {"-V", "--version"}, versionHelp = true, description = "Print version information and exit.")
    boolean version;

    CiafCommand(Console console) {
        this.console = console;
    }

    @Override
    public void run() {
        spec.commandLine().usage(console.err());
    }

    /** Runs the command line and returns the exit code; never throws. */
    static int run(String[] args, Console console) {
        CommandLine cli = new CommandLine(new CiafCommand(console));
        cli.setOut(new java.io.PrintWriter(console.out(), true));
        cli.setErr(new java.io.PrintWriter(console.err(), true));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof LedgerTamperedException) {
                console.out().println(e.getMessage());
                return Console.TAMPERED;
            }
            if (e instanceof IllegalArgumentException) {
                console.err().println("ciaf: " + e.getMessage());
                return Console.BAD_INPUT;
            }
            if (e instanceof LedgerException || e instanceof IllegalStateException
                    || e instanceof java.io.UncheckedIOException || e instanceof MetadataStorageException) {
                console.err().println("ciaf: " + e.getMessage());
                return Console.FAILED;
            }
            console.err().println("ciaf: unexpected error: " + e);
            e.printStackTrace(console.err());
            return Console.FAILED;
        });
        return cli.execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = CiafCommand.class.getPackage().getImplementationVersion();
            return new String[] {"ciaf " + (v == null ? "(development build)" : v)};
        }
    }
}
