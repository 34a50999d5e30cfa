package io.ciaf.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The capture suite through AspectJ load-time weaving: {@code -javaagent:aspectjweaver.jar} with the CIAF jar
 * on the class path, whose {@code META-INF/aop.xml} declares the aspect.
 */
class LoadTimeWeavingIT extends CaptureRouteContract {

    @Override
    protected List<String> captureJvmArgs() {
        return List.of("-javaagent:" + AgentJvms.entry("aspectjweaver"));
    }

    @Override
    protected String capturedClassPath() {
        return AgentRouteIT.application() + File.pathSeparator + AgentRouteIT.AGENT;
    }

    @Override
    protected String plainClassPath() {
        return AgentRouteIT.application();
    }

    @Test
    void withTheAgentTooEachCallIsRecordedOnceAndTheOverlapIsReported() throws Exception {
        Path home = dir.resolve("home");
        List<String> both = List.of("-javaagent:" + AgentJvms.entry("aspectjweaver"), "-javaagent:" + AgentRouteIT.AGENT);
        AgentJvms.Run run = AgentJvms.run(AgentJvms.builder(AgentJvms.defaultJava(), both, capturedClassPath(),
                Map.of("CIAF_HOME", home.toString()), "com.example.host.AttachApp", "unused", "0"));
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("before: 2\nafter: 3 4\n");
        assertThat(run.err().lines().filter(l -> l.startsWith("[ciaf]")).toList()).singleElement().asString()
                .contains("the aspect steps aside");
        assertThat(metadataRecords(home)).extracting(r -> r.get("metadata").get("arguments").elements()
                .next().asInt()).containsExactly(1, 2, 3);
    }
}
