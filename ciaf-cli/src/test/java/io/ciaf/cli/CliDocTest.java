package io.ciaf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * docs/cli.md has a section for every command of the {@code ciaf} tool, with an example of it and each of its
 * options named, and no section for a command that does not exist, so that the page cannot drift from the code.
 */
class CliDocTest {

    /** A {@code ```bash} block of Markdown; group 1 is its text. */
    private static final java.util.regex.Pattern BASH_BLOCK = java.util.regex.Pattern.compile("(?s)```bash\n(.*?)```");

    @Test
    void everyCommandHasASectionWithAnExampleNamingEachOfItsOptions() throws IOException {
        Map<String, String> sections = cliMd();
        String preamble = sections.remove("");
        List<String> missing = new ArrayList<>();
        check(tool(), List.of(), sections, preamble, missing);
        assertThat(missing).as("docs/cli.md").isEmpty();
    }

    @Test
    void everySectionIsACommand() throws IOException {
        Map<String, String> sections = cliMd();
        sections.remove("");
        Map<String, CommandLine> commands = tool().getSubcommands();
        for (String heading : sections.keySet()) {
            assertThat(commands).as("command named by the docs/cli.md section '## %s'", heading)
                    .containsKey(words(heading)[0]);
        }
    }

    private static void check(CommandLine command, List<String> path, Map<String, String> sections,
            String preamble, List<String> missing) {
        if (!path.isEmpty() && command.getSubcommands().isEmpty()) {
            StringBuilder text = new StringBuilder();
            for (Map.Entry<String, String> s : sections.entrySet()) {
                if (covers(s.getKey(), s.getValue(), path)) {
                    text.append(s.getValue());
                }
            }
            String name = String.join(" ", path);
            if (text.length() == 0) {
                missing.add("no section for 'ciaf " + name + "'");
                return;
            }
            if (!examples(text).contains("ciaf " + name)) {
                missing.add("'ciaf " + name + "' has no example in a bash block of its section");
            }
            for (OptionSpec option : command.getCommandSpec().options()) {
                if (option.usageHelp() || option.versionHelp() || option.hidden()) {
                    continue; // hidden options are for tests and rehearsals
                }
                if (Arrays.stream(option.names()).noneMatch(n -> mentions(text, n) || mentions(preamble, n))) {
                    missing.add("'ciaf " + name + "' option " + option.longestName() + " is not mentioned in its"
                            + " section");
                }
            }
        }
        for (Map.Entry<String, CommandLine> sub : command.getSubcommands().entrySet()) {
            List<String> next = new ArrayList<>(path);
            next.add(sub.getKey());
            check(sub.getValue(), next, sections, preamble, missing);
        }
    }

    /**
     * Whether a section is about the command at {@code path}: its heading names the command (as in
     * {@code ## backup | restore}) and, for a subcommand, names it too ({@code ## recover model | dataset}) or is
     * the group's own section ({@code ## prove}) and shows {@code ciaf <group> <subcommand>} in its text.
     */
    private static boolean covers(String heading, String text, List<String> path) {
        List<String> words = Arrays.asList(words(heading));
        if (!words.contains(path.get(0))) {
            return false;
        }
        if (path.size() == 1 || words.contains(path.get(1))) {
            return true;
        }
        return words.size() == 1 && text.contains("ciaf " + path.get(0) + " " + path.get(1));
    }

    /** The text of the section's {@code ```bash} blocks. */
    private static String examples(CharSequence section) {
        StringBuilder out = new StringBuilder();
        java.util.regex.Matcher m = BASH_BLOCK.matcher(section);
        while (m.find()) {
            out.append(m.group(1));
        }
        return out.toString();
    }

    /** Whether {@code option} appears as itself, not as the start of a longer option. */
    private static boolean mentions(CharSequence text, String option) {
        String t = text.toString();
        for (int i = t.indexOf(option); i >= 0; i = t.indexOf(option, i + 1)) {
            int end = i + option.length();
            if (end == t.length() || !(Character.isLetterOrDigit(t.charAt(end)) || t.charAt(end) == '-')) {
                return true;
            }
        }
        return false;
    }

    /** The words of a heading such as {@code recover model | dataset}: commands, subcommands and options. */
    private static String[] words(String heading) {
        return heading.replace('|', ' ').trim().split("\\s+");
    }

    /** docs/cli.md's sections; see {@link #sections}. */
    private static Map<String, String> cliMd() throws IOException {
        return sections(Files.readString(Path.of("..", "docs", "cli.md")));
    }

    /** Text by {@code ## } heading; the text before the first heading under "". */
    private static Map<String, String> sections(String doc) {
        Map<String, String> sections = new LinkedHashMap<>();
        String heading = "";
        StringBuilder text = new StringBuilder();
        for (String line : doc.split("\n", -1)) {
            if (line.startsWith("## ")) {
                sections.merge(heading, text.toString(), String::concat);
                heading = line.substring(3).trim();
                text.setLength(0);
            } else {
                text.append(line).append('\n');
            }
        }
        sections.merge(heading, text.toString(), String::concat);
        return sections;
    }

    private static CommandLine tool() {
        Console console = new Console(new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()), Map.of(), false);
        return new CommandLine(new CiafCommand(console));
    }
}
