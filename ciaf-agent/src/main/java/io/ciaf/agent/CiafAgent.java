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
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.none;
import static net.bytebuddy.matcher.ElementMatchers.not;

import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import io.ciaf.runtime.AgentPresence;
import io.ciaf.runtime.Ciaf;
import io.ciaf.runtime.CiafConfig;
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

    /**
     * Set while an install runs and once one has succeeded: a second agent (attached again, or attached to a JVM
     * started with it) would inline the advice twice and record every call twice. An install that fails clears it.
     */
    private static final AtomicBoolean INSTALLED = new AtomicBoolean();

    private static void install(String arguments, Instrumentation instrumentation, boolean retransform) {
        long t0 = System.nanoTime();
        boolean debug = Boolean.getBoolean("ciaf.agent.debug");
        if (!INSTALLED.compareAndSet(false, true)) {
            System.err.println("[ciaf] the CIAF agent is already installed in this JVM; this second one does"
                    + " nothing (its arguments, if any, are ignored)");
            return;
        }
        boolean installed = false;
        try {
            CiafConfig config = CiafConfig.load(System.getenv(), System.getProperties(), arguments);
            long t1 = System.nanoTime();
            if (!Ciaf.start(config)) {
                return; // Ciaf.start has said why
            }
            long t2 = System.nanoTime();
            CaptureTransformer transformer = new CaptureTransformer(config.methods(), debug);
            // Before the transformer is added: if the runtime on the class path cannot take this call (another
            // version), the agent is reported as not installed and truly is not.
            AgentPresence.installed(); // an AspectJ aspect woven into the same classes steps aside
            instrumentation.addTransformer(transformer, retransform);
            installed = true;
            if (retransform) {
                transformer.retransformLoaded(instrumentation);
            }
            if (debug) {
                System.err.printf("[ciaf] agent installed: configuration %d ms, runtime %d ms, instrumentation %d ms%n",
                        (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (System.nanoTime() - t2) / 1_000_000);
            }
        } catch (Throwable t) {
            System.err.println("[ciaf] the CIAF agent could not be installed; the application runs without it: " + t);
        } finally {
            if (!installed) {
                INSTALLED.set(false);
            }
        }
    }

    /**
     * The application's own Byte Buddy package. Built at run time: shading rewrites a literal "net.bytebuddy."
     * to the agent's relocated copy, whose classes "io.ciaf.agent." covers already.
     */
    private static final String BYTE_BUDDY = String.join(".", "net", "bytebuddy", "");

    /** JDK internals, Byte Buddy, AspectJ, CIAF itself and other agents are never touched. */
    private static final String[] IGNORED_PREFIXES = {"java.", "javax.", "jdk.", "sun.", "com.sun.", BYTE_BUDDY,
        "org.aspectj.", "io.ciaf.agent.", "io.ciaf.runtime.", "io.ciaf.anchor.", "io.ciaf.retention.",
        "io.ciaf.compliance.", "io.ciaf.webhook.", "io.ciaf.storage.", "io.ciaf.ledger.", "io.ciaf.api.",
        "io.opentelemetry.javaagent.", "co.elastic.apm.", "com.newrelic.", "com.datadog.", "datadog."};

    /**
     * Name parts of generated classes: lambdas, JDK proxies, and the subclass proxies of CGLIB (Spring, Guice),
     * Javassist, Weld, Byte Buddy, Hibernate and Mockito. A subclass proxy's method calls the method it overrides,
     * which is instrumented already: instrumenting the proxy too (a {@code subtypes} rule matches it) would record
     * every call twice.
     */
    private static final String[] GENERATED = {"$$", "$Proxy", "$ByteBuddy$", "$HibernateProxy$", "$MockitoMock$"};
    /** Name endings of the same kind of subclasses: Micronaut's AOP, Quarkus's interceptors and client proxies. */
    private static final String[] GENERATED_ENDINGS = {"$Intercepted", "_Subclass", "_ClientProxy"};

    /** By name alone, before anything is parsed: also generated lambda and proxy classes. */
    static boolean ignoredName(String className) {
        for (String prefix : IGNORED_PREFIXES) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        for (String part : GENERATED) {
            if (className.contains(part)) {
                return true;
            }
        }
        for (String ending : GENERATED_ENDINGS) {
            if (className.endsWith(ending)) {
                return true;
            }
        }
        return false;
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
}
