package io.ciaf.agent;

import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isAnnotatedWith;
import static net.bytebuddy.matcher.ElementMatchers.isBridge;
import static net.bytebuddy.matcher.ElementMatchers.isDeclaredBy;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.isMethod;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.nameContains;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.none;
import static net.bytebuddy.matcher.ElementMatchers.not;

import java.lang.instrument.Instrumentation;
import java.util.List;

import io.ciaf.runtime.Ciaf;
import io.ciaf.runtime.CiafConfig;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code -javaagent:ciaf-agent.jar[=key=value,…]}: starts CIAF and instruments methods annotated
 * {@code @CaptureMetadata} (or public methods of an annotated class) and the third-party methods named in
 * {@code capture.methods}. Whatever goes wrong here is printed once and the application runs on unchanged.
 */
public final class CiafAgent {

    static final String ANNOTATION = "io.ciaf.api.CaptureMetadata";

    private CiafAgent() {
    }

    public static void premain(String arguments, Instrumentation instrumentation) {
        install(arguments, instrumentation, false);
    }

    /** Attached to a running JVM: classes loaded already are retransformed. */
    public static void agentmain(String arguments, Instrumentation instrumentation) {
        install(arguments, instrumentation, true);
    }

    private static void install(String arguments, Instrumentation instrumentation, boolean retransform) {
        long t0 = System.nanoTime();
        boolean debug = Boolean.getBoolean("ciaf.agent.debug");
        try {
            CiafConfig config = CiafConfig.load(System.getenv(), System.getProperties(), arguments);
            long t1 = System.nanoTime();
            if (!Ciaf.start(config)) {
                return; // Ciaf.start has said why
            }
            long t2 = System.nanoTime();
            // Byte Buddy's Nexus (a class it injects into the system class loader to run live type initializers)
            // is never used by inline advice, yet the builder made it: about 370 ms of a 550 ms premain on a
            // two-core VM. Off for our shaded copy only (the property name is relocated with it), then cleared.
            boolean nexusOff = System.getProperty(net.bytebuddy.dynamic.Nexus.PROPERTY) == null;
            if (nexusOff) {
                System.setProperty(net.bytebuddy.dynamic.Nexus.PROPERTY, "true");
            }
            try {
                build(config, retransform, debug).installOn(instrumentation);
            } finally {
                if (nexusOff) {
                    System.clearProperty(net.bytebuddy.dynamic.Nexus.PROPERTY);
                }
            }
            if (debug) {
                System.err.printf("[ciaf] agent installed: configuration %d ms, runtime %d ms, instrumentation %d ms%n",
                        (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (System.nanoTime() - t2) / 1_000_000);
            }
        } catch (Throwable t) {
            System.err.println("[ciaf] the CIAF agent could not be installed; the application runs without it: " + t);
        }
    }

    private static AgentBuilder build(CiafConfig config, boolean retransform, boolean debug) {
        // At premain almost nothing of the application is loaded yet, so scanning loaded classes for
        // retransformation would only cost start-up time.
        return new AgentBuilder.Default(new net.bytebuddy.ByteBuddy()
                .with(net.bytebuddy.dynamic.scaffold.TypeValidation.DISABLED))
                .disableClassFormatChanges()
                .with(retransform ? AgentBuilder.RedefinitionStrategy.RETRANSFORMATION
                        : AgentBuilder.RedefinitionStrategy.DISABLED)
                .with(AgentBuilder.PoolStrategy.Default.FAST)
                .with(AgentBuilder.TypeStrategy.Default.REDEFINE)
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE) // inline advice: nothing to initialize
                .with(new ReportingListener())
                .with(debug ? AgentBuilder.Listener.StreamWriting.toSystemError().withTransformationsOnly()
                        : AgentBuilder.Listener.NoOp.INSTANCE)
                .ignore(ignored())
                .type(types(config.methods()))
                .transform((builder, type, loader, module, domain) -> builder.visit(
                        Advice.to(CaptureAdvice.class).on(methods(config.methods()))));
    }

    /**
     * The application's own Byte Buddy package. Built at run time: shading rewrites a literal "net.bytebuddy."
     * to the agent's relocated copy, whose classes "io.ciaf.agent." covers already.
     */
    private static final String BYTE_BUDDY = String.join(".", "net", "bytebuddy", "");

    /** JDK internals, Byte Buddy, AspectJ, CIAF itself and other agents are never touched. */
    static ElementMatcher.Junction<TypeDescription> ignored() {
        return nameStartsWith("java.").or(nameStartsWith("javax.")).or(nameStartsWith("jdk."))
                .or(nameStartsWith("sun.")).or(nameStartsWith("com.sun.")).or(nameStartsWith(BYTE_BUDDY))
                .or(nameStartsWith("org.aspectj.")).or(nameStartsWith("io.ciaf.agent."))
                .or(nameStartsWith("io.ciaf.runtime.")).or(nameStartsWith("io.ciaf.anchor."))
                .or(nameStartsWith("io.ciaf.retention.")).or(nameStartsWith("io.ciaf.compliance."))
                .or(nameStartsWith("io.ciaf.webhook."))
                .or(nameStartsWith("io.ciaf.storage."))
                .or(nameStartsWith("io.ciaf.ledger.")).or(nameStartsWith("io.ciaf.api."))
                .or(nameStartsWith("io.opentelemetry.javaagent.")).or(nameStartsWith("co.elastic.apm."))
                .or(nameStartsWith("com.newrelic.")).or(nameStartsWith("com.datadog.")).or(nameStartsWith("datadog."))
                .or(nameContains("$$Lambda")).or(nameContains("$Proxy")).or(isSynthetic());
    }

    static ElementMatcher.Junction<TypeDescription> types(List<CiafConfig.MethodRule> rules) {
        ElementMatcher.Junction<TypeDescription> m = isAnnotatedWith(named(ANNOTATION))
                .or(declaresMethod(isAnnotatedWith(named(ANNOTATION))));
        for (CiafConfig.MethodRule rule : rules) {
            m = m.or(rule.subtypes() ? hasSuperType(named(rule.className())).and(not(isInterface()))
                    : named(rule.className()));
        }
        return m;
    }

    static ElementMatcher.Junction<MethodDescription> methods(List<CiafConfig.MethodRule> rules) {
        ElementMatcher.Junction<MethodDescription> ofRules = none();
        for (CiafConfig.MethodRule rule : rules) {
            ElementMatcher.Junction<TypeDescription> owner = rule.subtypes() ? hasSuperType(named(rule.className()))
                    : named(rule.className());
            ofRules = ofRules.or(isDeclaredBy(owner).and(namedOneOf(rule.methods().toArray(new String[0]))));
        }
        return isMethod().and(not(isAbstract())).and(not(isBridge())).and(not(isSynthetic()))
                .and(isAnnotatedWith(named(ANNOTATION))
                        .or(isPublic().and(isDeclaredBy(isAnnotatedWith(named(ANNOTATION))))
                                .and(not(namedOneOf("toString", "hashCode", "equals"))))
                        .or(ofRules));
    }

    /** Reports each instrumentation failure once; never throws. */
    static final class ReportingListener extends AgentBuilder.Listener.Adapter {
        private final java.util.Set<String> reported = java.util.concurrent.ConcurrentHashMap.newKeySet();

        @Override
        public void onError(String typeName, ClassLoader classLoader, net.bytebuddy.utility.JavaModule module,
                boolean loaded, Throwable throwable) {
            if (reported.add(typeName)) {
                System.err.println("[ciaf] cannot instrument " + typeName + " (it runs uninstrumented): " + throwable);
            }
        }
    }
}
