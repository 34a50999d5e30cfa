package io.ciaf.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** One in-process run of the ciaf command with captured streams. */
record CliRun(int exit, String out, String err) {

    static CliRun run(Map<String, String> env, String stdin, String... args) {
        return run(false, env, stdin, args);
    }

    /** {@code args} then {@code --home home}, with {@code stdin} and no environment. */
    static CliRun inHome(java.nio.file.Path home, String stdin, String... args) {
        String[] withHome = java.util.Arrays.copyOf(args, args.length + 2);
        withHome[args.length] = "--home";
        withHome[args.length + 1] = home.toString();
        return run(Map.of(), stdin, withHome);
    }

    /** As if stderr were (or were not) a terminal. */
    static CliRun run(boolean terminal, Map<String, String> env, String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Console console = new Console(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                env, terminal);
        int exit = CiafCommand.run(args, console);
        return new CliRun(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
