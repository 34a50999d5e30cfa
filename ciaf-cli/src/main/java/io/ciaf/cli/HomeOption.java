package io.ciaf.cli;

import java.nio.file.Path;

import io.ciaf.runtime.CiafConfig;
import picocli.CommandLine.Option;

/** {@code --home DIR}, shared by every command. */
final class HomeOption {

    @Option(names = "--home", paramLabel = "DIR",
            description = "CIAF home directory (default: $CIAF_HOME, else ./ciaf-data)")
    Path home;

    /** The configuration of this home: its ciaf.json, then CIAF_* variables and -Dciaf.* properties. */
    CiafConfig config(Console console) {
        return CiafConfig.loadWithHome(console.env(), System.getProperties(), home);
    }

    /**
     * As {@link #config}, refused with every problem listed when it has any.
     *
     * @throws IllegalArgumentException (exit 2) listing the problems
     */
    CiafConfig validConfig(Console console) {
        CiafConfig config = config(console);
        if (!config.validate().isEmpty()) {
            throw new IllegalArgumentException("the configuration has " + config.validate().size()
                    + " problem(s):\n  " + String.join("\n  ", config.validate()));
        }
        return config;
    }
}
