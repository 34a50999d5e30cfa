package io.ciaf.agent;

import java.io.File;
import java.util.List;

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
}
