package io.ciaf.cli;

/** Entry point of the {@code ciaf} command. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(CiafCommand.run(args, new Console(System.in, System.out, System.err, System.getenv(),
                Console.stderrIsTerminal())));
    }
}
