package io.ciaf.agent;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.nio.charset.StandardCharsets;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import io.ciaf.runtime.CaptureHooks;
import io.ciaf.runtime.CiafConfig;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;

/**
 * Inlines {@link CaptureAdvice} into the captured methods of each class as it loads, without changing the class's
 * shape (no added members: retransformation stays possible). Byte Buddy's own {@code AgentBuilder} was dropped
 * for this: its transformer generates a subclass of itself in a static initializer, which alone took about
 * 280 ms of a hello-world start on a two-core VM, for a module-aware method a Java 17 class simply declares.
 * What it did beyond that (circularity guard, error reporting, retransforming loaded classes) is here.
 */
final class CaptureTransformer implements ClassFileTransformer {

    /** How the annotation appears in a class file's constant pool if anything in the class carries it. */
    private static final byte[] ANNOTATION_DESCRIPTOR = ("L" + CiafAgent.ANNOTATION.replace('.', '/') + ";")
            .getBytes(StandardCharsets.US_ASCII);

    private static final ClassLoader PLATFORM = ClassLoader.getPlatformClassLoader();

    private final ElementMatcher<TypeDescription> types;
    private final ElementMatcher<MethodDescription> methods;
    /**
     * The method names of the rules without subtypes, by class: a name check decides for those classes, and a
     * method name the class does not declare is said.
     */
    private final Map<String, Set<String>> namedClasses;
    /** A rule that counts subtypes needs each class's hierarchy, so no class can be skipped by its bytes. */
    private final boolean subtypeRules;
    private final boolean debug;
    /** Built on first use: reading the advice class is start-up time an application without captures never needs. */
    private volatile AsmVisitorWrapper advice;
    private volatile boolean callsComing;
    /** Set while this thread transforms: classes loaded meanwhile (by Byte Buddy, by a class loader) pass through. */
    private final ThreadLocal<Boolean> busy = new ThreadLocal<>();
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    CaptureTransformer(List<CiafConfig.MethodRule> rules, boolean debug) {
        this.types = CiafAgent.types(rules);
        this.methods = CiafAgent.methods(rules);
        boolean subtypes = false;
        Map<String, Set<String>> named = new HashMap<>();
        for (CiafConfig.MethodRule rule : rules) {
            if (CiafAgent.ignoredName(rule.className())) {
                System.err.println("[ciaf] capture.methods: " + rule.className() + " is in a package the agent never"
                        + " instruments (the JDK's, Byte Buddy's, AspectJ's, CIAF's, other agents'), so this rule"
                        + " captures nothing");
            }
            if (rule.subtypes()) {
                subtypes = true;
            } else {
                named.computeIfAbsent(rule.className(), c -> new LinkedHashSet<>()).addAll(rule.methods());
            }
        }
        this.namedClasses = Map.copyOf(named);
        this.subtypeRules = subtypes;
        this.debug = debug;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String internalName, Class<?> redefined,
            ProtectionDomain domain, byte[] classFile) {
        if (internalName == null || classFile == null || busy.get() != null || loader == null
                || loader == PLATFORM) {
            return null; // the boot and platform class loaders cannot see CIAF's runtime, so nothing to call there
        }
        String name = internalName.replace('/', '.');
        if (CiafAgent.ignoredName(name)) {
            return null;
        }
        boolean likely = namedClasses.containsKey(name) || contains(classFile, ANNOTATION_DESCRIPTOR);
        if (!likely && !subtypeRules) {
            return null;
        }
        busy.set(Boolean.TRUE);
        try {
            if (likely) {
                calls(); // before the work below, which is the slowest part of a first instrumentation
            }
            return instrument(loader, name, classFile);
        } catch (Throwable t) {
            report(name, t);
            return null; // the class loads as it was
        } finally {
            busy.remove();
        }
    }

    private byte[] instrument(ClassLoader loader, String name, byte[] classFile) {
        ClassFileLocator locator = new ClassFileLocator.Compound(ClassFileLocator.Simple.of(name, classFile),
                ClassFileLocator.ForClassLoader.of(loader));
        TypePool pool = new TypePool.Default.WithLazyResolution(TypePool.CacheProvider.Simple.withObjectType(), locator,
                TypePool.Default.ReaderMode.FAST);
        TypeDescription type = pool.describe(name).resolve();
        if (type.isSynthetic() || !types.matches(type)) {
            return null;
        }
        calls();
        Set<String> named = namedClasses.get(name);
        if (named != null) {
            checkMethodNames(type, named);
        }
        byte[] out = Weaver.BYTE_BUDDY.decorate(type, locator).visit(advice()).make(pool).getBytes();
        if (debug) {
            System.err.println("[ciaf] instrumented " + name);
        }
        return out;
    }

    /**
     * Says once, for a class named in {@code capture.methods} without subtypes, which of the rule's method names
     * capture nothing there (a typo would otherwise go unnoticed): those it does not declare, with the names it
     * does, and those it declares without code (abstract or native).
     */
    private void checkMethodNames(TypeDescription type, Set<String> methodNames) {
        Set<String> declared = new TreeSet<>();
        Set<String> withCode = new HashSet<>();
        for (MethodDescription.InDefinedShape m : type.getDeclaredMethods()) {
            if (m.isMethod() && !m.isSynthetic()) {
                declared.add(m.getName());
                if (!m.isAbstract() && !m.isNative()) {
                    withCode.add(m.getName());
                }
            }
        }
        for (String method : methodNames) {
            if (withCode.contains(method) || !reported.add(type.getName() + "#" + method)) {
                continue;
            }
            System.err.println(declared.contains(method)
                    ? "[ciaf] capture.methods: " + type.getName() + "." + method + " has no code of its own (abstract"
                            + " or native), so nothing is captured for it; \"subtypes\": true captures the classes"
                            + " that implement it"
                    : "[ciaf] capture.methods: " + type.getName() + " declares no method named '" + method + "', so"
                            + " nothing is captured for it (it declares: " + String.join(", ", declared) + "; an"
                            + " inherited method needs \"subtypes\": true and the class that declares it)");
        }
    }

    /** Captured calls are coming: CIAF opens its home in the background while the application starts. */
    private void calls() {
        if (!callsComing) {
            callsComing = true;
            try {
                CaptureHooks.capturedClassLoaded();
            } catch (Throwable t) {
                // the first captured call opens the home instead; the class is instrumented all the same
            }
        }
    }

    private AsmVisitorWrapper advice() {
        AsmVisitorWrapper a = advice;
        if (a == null) {
            a = Advice.to(CaptureAdvice.class).on(methods);
            advice = a;
        }
        return a;
    }

    /** Made when the first class is instrumented: about 75 ms of start-up on a two-core VM otherwise. */
    private static final class Weaver {
        static final ByteBuddy BYTE_BUDDY = new ByteBuddy().with(TypeValidation.DISABLED)
                .with(Implementation.Context.Disabled.Factory.INSTANCE); // no added members: retransformable

        private Weaver() {
        }
    }

    /**
     * Attached to a running JVM: the loaded classes that match are transformed again, each on its own so that
     * one that cannot be changed does not keep the others uninstrumented.
     */
    void retransformLoaded(Instrumentation instrumentation) {
        List<Class<?>> matched = new ArrayList<>();
        for (Class<?> c : instrumentation.getAllLoadedClasses()) {
            try {
                if (instrumentation.isModifiableClass(c) && !c.isSynthetic() && !CiafAgent.ignoredName(c.getName())
                        && types.matches(TypeDescription.ForLoadedType.of(c))) {
                    matched.add(c);
                }
            } catch (Throwable t) {
                // A class whose methods' types cannot be loaded cannot be annotated in a way we could read.
            }
        }
        for (Class<?> c : matched) {
            try {
                instrumentation.retransformClasses(c);
            } catch (Throwable t) {
                report(c.getName(), t);
            }
        }
    }

    private void report(String name, Throwable t) {
        if (reported.add(name)) {
            System.err.println("[ciaf] cannot instrument " + name + " (it runs uninstrumented): " + t);
        }
    }

    /** Whether {@code data} contains {@code pattern}; class files are a few kilobytes, so a plain scan. */
    static boolean contains(byte[] data, byte[] pattern) {
        byte first = pattern[0];
        outer:
        for (int i = 0, last = data.length - pattern.length; i <= last; i++) {
            if (data[i] != first) {
                continue;
            }
            for (int j = 1; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
