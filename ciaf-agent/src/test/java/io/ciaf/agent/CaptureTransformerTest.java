package io.ciaf.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.ciaf.runtime.CiafConfig;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;
import org.junit.jupiter.api.Test;

/**
 * The agent's transformer on real class files from this module's test classes: which classes it changes, that a
 * changed class keeps its shape (so it can be retransformed), and that a class it cannot read is reported once
 * and loads unchanged. The behaviour of instrumented code is checked in real JVMs by {@link AgentRouteIT}.
 */
class CaptureTransformerTest {

    private static final ClassLoader LOADER = CaptureTransformerTest.class.getClassLoader();

    private static byte[] classFile(String name) throws IOException {
        try (InputStream in = LOADER.getResourceAsStream(name.replace('.', '/') + ".class")) {
            return in.readAllBytes();
        }
    }

    private static byte[] transform(CaptureTransformer t, String name) throws IOException {
        return t.transform(null, LOADER, name.replace('.', '/'), null, null, classFile(name));
    }

    private static CiafConfig.MethodRule rule(String className, boolean subtypes) {
        return new CiafConfig.MethodRule(className, List.of("fit", "predict", "run"), subtypes, "credit", "training",
                "library_call");
    }

    /** Everything a retransformation may not change: members, their signatures and modifiers, the hierarchy. */
    private static List<String> shape(String name, byte[] classFile) {
        TypeDescription type = TypePool.Default.of(new ClassFileLocator.Compound(ClassFileLocator.Simple.of(name,
                classFile), ClassFileLocator.ForClassLoader.of(LOADER))).describe(name).resolve();
        List<String> out = new ArrayList<>();
        out.add(type.getModifiers() + " " + type.getSuperClass() + " " + type.getInterfaces());
        type.getDeclaredFields().forEach(f -> out.add(f.getModifiers() + " " + f.getDescriptor() + " " + f.getName()));
        for (MethodDescription.InDefinedShape m : type.getDeclaredMethods()) {
            out.add(m.getModifiers() + " " + m.getInternalName() + m.getDescriptor());
        }
        return out;
    }

    private interface Action {
        void run() throws IOException;
    }

    /** The lines {@code action} prints on {@code System.err}. */
    private static List<String> stderrOf(Action action) throws IOException {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return err.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private static boolean calls(byte[] classFile, String internalName) {
        return CaptureTransformer.contains(classFile, internalName.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void annotatedClassesAreInstrumentedAndKeepTheirShape() throws IOException {
        CaptureTransformer t = new CaptureTransformer(List.of(), false);
        for (String name : List.of("com.example.host.HostApp$Scorer", "com.example.host.HostApp$Methods",
                "com.example.host.HostApp$Deployment")) {
            byte[] before = classFile(name);
            byte[] after = transform(t, name);
            assertThat(after).as(name).isNotNull();
            assertThat(calls(before, "io/ciaf/runtime/CaptureHooks")).isFalse();
            assertThat(calls(after, "io/ciaf/runtime/CaptureHooks")).as(name).isTrue();
            assertThat(shape(name, after)).as(name).isEqualTo(shape(name, before));
        }
    }

    @Test
    void manyThreadsLoadingCapturedClassesAtOnceAllGetTheSameInstrumentation() throws Exception {
        // The first instrumentation builds the advice and Byte Buddy lazily: threads racing to it must agree.
        List<String> names = List.of("com.example.host.HostApp$Scorer", "com.example.host.HostApp$Methods",
                "com.example.host.HostApp$Deployment");
        Map<String, byte[]> expected = new HashMap<>();
        CaptureTransformer reference = new CaptureTransformer(List.of(), false);
        for (String name : names) {
            expected.put(name, transform(reference, name));
        }
        CaptureTransformer t = new CaptureTransformer(List.of(), false);
        int threads = 12;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<byte[]>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                String name = names.get(i % names.size());
                results.add(pool.submit(() -> {
                    start.await();
                    return transform(t, name);
                }));
            }
            for (int i = 0; i < threads; i++) {
                assertThat(results.get(i).get(30, TimeUnit.SECONDS)).as(names.get(i % names.size()))
                        .isEqualTo(expected.get(names.get(i % names.size())));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void classesWithoutTheAnnotationOrARuleAreLeftAlone() throws IOException {
        CaptureTransformer t = new CaptureTransformer(List.of(), false);
        assertThat(transform(t, "com.example.host.HostApp$Hostile")).isNull();
        assertThat(transform(t, "com.example.thirdparty.Regression")).isNull();
    }

    @Test
    void aClassNamedInConfigurationIsInstrumentedWithoutAnnotation() throws IOException {
        CaptureTransformer exact = new CaptureTransformer(List.of(rule("com.example.thirdparty.Regression", false)),
                false);
        assertThat(transform(exact, "com.example.thirdparty.Regression")).isNotNull();
        assertThat(transform(exact, "com.example.thirdparty.Regression$Ridge")).isNull();

        CaptureTransformer subtypes = new CaptureTransformer(List.of(rule("com.example.thirdparty.Regression", true)),
                false);
        byte[] ridge = transform(subtypes, "com.example.thirdparty.Regression$Ridge");
        assertThat(ridge).isNotNull();
        assertThat(calls(ridge, "io/ciaf/runtime/CaptureHooks")).isTrue();
        assertThat(shape("com.example.thirdparty.Regression$Ridge", ridge))
                .isEqualTo(shape("com.example.thirdparty.Regression$Ridge",
                        classFile("com.example.thirdparty.Regression$Ridge")));
    }

    @Test
    void aMethodNameTheNamedClassDoesNotDeclareIsReportedOnceWithTheNamesItDoes() throws IOException {
        CaptureTransformer t = new CaptureTransformer(List.of(new CiafConfig.MethodRule(
                "com.example.thirdparty.Regression", List.of("fit", "fitt"), false, "credit", "training", "fit")),
                false);
        byte[][] out = new byte[1][];
        List<String> err = stderrOf(() -> {
            out[0] = transform(t, "com.example.thirdparty.Regression");
            transform(t, "com.example.thirdparty.Regression"); // loaded again, by another class loader say
        });
        assertThat(out[0]).as("fit is still captured").isNotNull();
        assertThat(err).singleElement().asString()
                .contains("com.example.thirdparty.Regression declares no method named 'fitt'")
                .contains("it declares: describe, fit, predict");
    }

    @Test
    void aMethodWithoutCodeInTheNamedClassIsReportedWithTheWayToCaptureItsImplementations() throws IOException {
        CaptureTransformer t = new CaptureTransformer(List.of(new CiafConfig.MethodRule(
                "com.example.thirdparty.Model", List.of("predict"), false, "credit", "inference", "predict")), false);
        assertThat(stderrOf(() -> transform(t, "com.example.thirdparty.Model"))).singleElement().asString()
                .contains("com.example.thirdparty.Model.predict has no code of its own")
                .contains("\"subtypes\": true");
    }

    @Test
    void ignoredPackagesAndLoadersAreNeverTouchedEvenWhenConfigurationNamesThem() throws IOException {
        CaptureTransformer[] made = new CaptureTransformer[1];
        List<String> err = stderrOf(() -> made[0] = new CaptureTransformer(List.of(
                rule("net.bytebuddy.example.Lookalike", false), rule("io.ciaf.agent.CaptureTransformerTest", false),
                rule("com.example.thirdparty.Regression", true)), false));
        CaptureTransformer t = made[0];
        // Said once, at start: such a rule can never capture anything.
        assertThat(err).hasSize(2).allSatisfy(l -> assertThat(l)
                .contains("is in a package the agent never instruments"))
                .anySatisfy(l -> assertThat(l).contains("net.bytebuddy.example.Lookalike"));
        assertThat(transform(t, "net.bytebuddy.example.Lookalike")).isNull();
        assertThat(transform(t, "io.ciaf.agent.CaptureTransformerTest")).isNull();
        // Classes of the boot and platform class loaders cannot see CIAF's runtime.
        byte[] scorer = classFile("com.example.host.HostApp$Scorer");
        CaptureTransformer annotated = new CaptureTransformer(List.of(), false);
        assertThat(annotated.transform(null, null, "com/example/host/HostApp$Scorer", null, null, scorer)).isNull();
        assertThat(annotated.transform(null, ClassLoader.getPlatformClassLoader(), "com/example/host/HostApp$Scorer",
                null, null, scorer)).isNull();
        assertThat(transform(annotated, "com.example.host.HostApp$Scorer")).isNotNull();
        // A generated subclass proxy calls the instrumented method it overrides: instrumenting it would record twice.
        assertThat(transform(t, "com.example.thirdparty.Regression$Ridge$$SpringCGLIB$$0")).isNull();
        assertThat(transform(t, "com.example.thirdparty.Regression$Ridge")).isNotNull();
        assertThat(CiafAgent.ignoredName("com.example.Scorer$$EnhancerBySpringCGLIB$$1a2b")).isTrue();
        assertThat(CiafAgent.ignoredName("com.example.Scorer$HibernateProxy$Ab12")).isTrue();
        assertThat(CiafAgent.ignoredName("com.example.Scorer$ByteBuddy$Ab12")).isTrue();
        assertThat(CiafAgent.ignoredName("com.example.Scorer$Intercepted")).isTrue(); // Micronaut AOP
        assertThat(CiafAgent.ignoredName("com.example.Scorer_Subclass")).isTrue(); // Quarkus interceptors
        assertThat(CiafAgent.ignoredName("com.example.Scorer_ClientProxy")).isTrue();
        assertThat(CiafAgent.ignoredName("com.example.Scorer_SubclassOfMine")).isFalse();
        assertThat(CiafAgent.ignoredName("com.example.Foo$$Lambda$14")).isTrue();
        assertThat(CiafAgent.ignoredName("jdk.proxy1.$Proxy7")).isTrue();
        assertThat(CiafAgent.ignoredName("com.example.host.HostApp")).isFalse();
    }

    @Test
    void aClassFileThatCannotBeReadIsReportedOnceAndLoadsUnchanged() throws IOException {
        CaptureTransformer t = new CaptureTransformer(List.of(), false);
        // Not a class file, but it mentions the annotation, so the transformer has to parse it to decide.
        byte[] broken = "\u00ca\u00fe garbage Lio/ciaf/api/CaptureMetadata; garbage".getBytes(StandardCharsets.ISO_8859_1);
        List<String> err = stderrOf(() -> {
            assertThat(t.transform(null, LOADER, "com/example/Broken", null, null, broken)).isNull();
            assertThat(t.transform(null, LOADER, "com/example/Broken", null, null, broken)).isNull();
        });
        assertThat(err).singleElement().asString()
                .startsWith("[ciaf] cannot instrument com.example.Broken (it runs uninstrumented): ");
    }

    @Test
    void theAnnotationIsFoundAnywhereInAClassFileAndNowhereElse() {
        byte[] pattern = "Lio/ciaf/api/CaptureMetadata;".getBytes(StandardCharsets.US_ASCII);
        assertThat(CaptureTransformer.contains("xxLio/ciaf/api/CaptureMetadata;".getBytes(StandardCharsets.US_ASCII),
                pattern)).isTrue();
        assertThat(CaptureTransformer.contains("Lio/ciaf/api/CaptureMetadata;".getBytes(StandardCharsets.US_ASCII),
                pattern)).isTrue();
        assertThat(CaptureTransformer.contains("LLio/ciaf/api/CaptureMetadata".getBytes(StandardCharsets.US_ASCII),
                pattern)).isFalse();
        assertThat(CaptureTransformer.contains(new byte[3], pattern)).isFalse();
    }
}
