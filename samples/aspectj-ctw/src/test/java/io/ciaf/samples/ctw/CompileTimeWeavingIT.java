package io.ciaf.samples.ctw;

import java.nio.file.Path;
import java.util.List;

import io.ciaf.agent.AgentJvms;
import io.ciaf.agent.CaptureRouteContract;

/** The shared capture suite on classes woven at build time by the AspectJ Maven plugin: no agent at all. */
class CompileTimeWeavingIT extends CaptureRouteContract {

    private static boolean isCiafAgentJar(String entry) {
        return Path.of(entry).getFileName().toString().startsWith("ciaf-agent");
    }

    @Override
    protected List<String> captureJvmArgs() {
        return List.of();
    }

    /** target/classes (the woven application and aspect) first, then CIAF's runtime and aspectjrt. */
    @Override
    protected String capturedClassPath() {
        return AgentJvms.classPath(e -> !e.endsWith("test-classes") && !isCiafAgentJar(e));
    }

    /** The same application unwoven, as javac compiled it. */
    @Override
    protected String plainClassPath() {
        return AgentJvms.classPath(e -> isCiafAgentJar(e) && e.contains("tests")
                || Path.of(e).getFileName().toString().startsWith("ciaf-api"));
    }
}
