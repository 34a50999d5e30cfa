package io.ciaf.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

import io.ciaf.runtime.CiafConfig;
import io.ciaf.runtime.LiveSessions;
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

    /**
     * Refuses to go on while an application records into {@code home}: {@code change} says what this command
     * would do to it.
     *
     * @throws IllegalStateException (exit 3) naming each session recording there and its process
     */
    static void requireNoneRecording(Path home, String change) {
        List<String> live;
        try {
            live = LiveSessions.in(home);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot tell whether an application records into " + home + " now ("
                    + e + "); nothing was changed", e);
        }
        if (!live.isEmpty()) {
            throw new IllegalStateException(String.join(", ", live) + (live.size() == 1 ? " records" : " record")
                    + " into " + home + " now, and this command " + change + ": stop the application first;"
                    + " nothing was changed");
        }
    }
}
