package io.ciaf.agent;

import java.nio.file.Path;
import java.util.List;

/** The capture suite through {@code -javaagent:target/ciaf-agent.jar} (Byte Buddy). */
class AgentRouteIT extends CaptureRouteContract {

    static final Path AGENT = Path.of("target", "ciaf-agent.jar").toAbsolutePath();

    /** test-classes and the ciaf-api jar: what an application compiled against CIAF has on its class path. */
    static String application() {
        return AgentJvms.classPath(e -> e.endsWith("test-classes") || Path.of(e).getFileName().toString()
                .startsWith("ciaf-api"));
    }

    @Override
    protected List<String> captureJvmArgs() {
        return List.of("-javaagent:" + AGENT);
    }

    @Override
    protected String capturedClassPath() {
        return application();
    }

    @Override
    protected String plainClassPath() {
        return application();
    }
}
