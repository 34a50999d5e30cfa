package io.ciaf.cli;

import java.nio.file.Path;

import picocli.CommandLine.Option;

/** {@code --home DIR}, shared by every command. */
final class HomeOption {

    @Option(names = "--home", paramLabel = "DIR",
            description = "CIAF home directory (default: $CIAF_HOME, else ./ciaf-data)")
    Path home;
}
