package io.ciaf.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.Callable;

import io.ciaf.runtime.CiafConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "config", description = "Show the effective configuration, or write a template ciaf.json.",
        subcommands = {ConfigCommand.Show.class, ConfigCommand.Template.class})
final class ConfigCommand {

    @ParentCommand
    CiafCommand parent;

    @Command(name = "show", description = "Print every setting, its effective value and where it came from "
            + "(default, ciaf.json, CIAF_* variable, -Dciaf.* property, --home); exit 2 if any is invalid.")
    static final class Show implements Callable<Integer> {

        @ParentCommand
        ConfigCommand config;

        @Mixin
        HomeOption homeOption;

        @Override
        public Integer call() {
            Console console = config.parent.console;
            CiafConfig c = homeOption.config(console);
            console.out().print(c.describe());
            List<String> errors = c.validate();
            if (!errors.isEmpty()) {
                console.err().println("ciaf: the configuration has " + errors.size() + " problem(s):");
                errors.forEach(e -> console.err().println("  " + e));
                return Console.BAD_INPUT;
            }
            return Console.OK;
        }
    }

    @Command(name = "template", description = "Write a template ciaf.json for production or development.")
    static final class Template implements Callable<Integer> {

        @ParentCommand
        ConfigCommand config;

        @Parameters(paramLabel = "PROFILE", description = "production or development")
        String profile;

        @Option(names = "--out", paramLabel = "FILE", description = "Write to FILE (never overwritten; default: "
                + "standard output)")
        Path out;

        @Override
        public Integer call() throws IOException {
            Console console = config.parent.console;
            String text = CiafConfig.template(profile);
            if (out == null) {
                console.out().print(text);
            } else {
                if (Files.exists(out)) {
                    throw new IllegalArgumentException(out + " exists; it is not overwritten. Choose another --out");
                }
                Files.writeString(out, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
                console.err().println("wrote the " + profile + " template to " + out);
            }
            return Console.OK;
        }
    }
}
