package com.example.host;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.ciaf.api.CaptureMetadata;
import io.ciaf.api.Stage;

/**
 * An application with every awkward shape a captured method can have. It prints what each call returned or
 * threw; run with and without the agent, its output and exit code must be identical. Arguments: an optional
 * directory to delete half-way (the CIAF home, to pull storage away while running).
 */
public final class HostApp {

    private HostApp() {
    }

    /** A model class annotated at class level: all its public methods are captured. */
    @CaptureMetadata(model = "credit", stage = Stage.INFERENCE)
    public static class Scorer {
        public double score(double income, String password) {
            return income / 1000.0;
        }

        public int[] huge() {
            return new int[5_000_000];
        }

        public String nothing() {
            return null;
        }

        public void fails() {
            throw new IllegalStateException("unchecked from fails()");
        }

        public static long staticSquare(long x) {
            return x * x;
        }

        @Override
        public String toString() {
            return "Scorer";
        }
    }

    static class Methods {
        @CaptureMetadata(model = "credit", stage = Stage.TRAINING, event = "checked")
        String checked(String path) throws IOException {
            throw new IOException("checked: " + path);
        }

        @CaptureMetadata(model = "credit", stage = Stage.PREPROCESSING)
        private int privateMethod(int a) {
            return a + 1;
        }

        @CaptureMetadata(model = "credit", stage = Stage.PREPROCESSING)
        final boolean finalMethod(boolean b) {
            return !b;
        }

        @CaptureMetadata(model = "credit", stage = Stage.TRAINING, event = "factorial")
        long factorial(int n) {
            return n <= 1 ? 1 : n * factorial(n - 1);
        }

        @CaptureMetadata(model = "credit", stage = Stage.VALIDATION)
        int hostile(Object o) {
            return 7;
        }

        @CaptureMetadata(model = "credit", stage = Stage.VALIDATION)
        int cyclic(List<Object> graph) {
            return graph.size();
        }

        @CaptureMetadata(model = "credit", stage = Stage.INFERENCE)
        String lambda(Supplier<String> s) {
            return s.get();
        }

        @CaptureMetadata(model = "credit", stage = Stage.MONITORING)
        char primitiveChar() {
            return 'x';
        }
    }

    /** An object whose toString and hashCode throw. */
    static final class Hostile {
        @Override
        public String toString() {
            throw new UnsupportedOperationException("toString");
        }

        @Override
        public int hashCode() {
            throw new UnsupportedOperationException("hashCode");
        }
    }

    @CaptureMetadata(model = "credit", stage = Stage.DEPLOYMENT)
    public record Deployment(String name, int replicas) {
    }

    public interface Explainer {
        @CaptureMetadata(model = "credit", stage = Stage.INFERENCE, event = "explain")
        default String explain(int feature) {
            return "feature-" + feature;
        }

        String name();
    }

    static final class SimpleExplainer implements Explainer {
        @Override
        public String name() {
            return "simple";
        }
    }

    public static void main(String[] args) throws Exception {
        Path toDelete = args.length > 0 ? Path.of(args[0]) : null;
        Scorer scorer = new Scorer();
        Methods m = new Methods();
        print("score", scorer.score(52_000, "hunter2"));
        print("huge", scorer.huge().length);
        print("nothing", scorer.nothing());
        try {
            scorer.fails();
        } catch (IllegalStateException e) {
            print("fails threw", e.getMessage());
        }
        try {
            m.checked("/tmp/x");
        } catch (IOException e) {
            print("checked threw", e.getMessage());
        }
        print("static", Scorer.staticSquare(12));
        print("private", m.privateMethod(41));
        print("final", m.finalMethod(false));
        print("recursion", m.factorial(10));
        print("hostile", m.hostile(new Hostile()));
        List<Object> graph = new ArrayList<>();
        graph.add(graph);
        print("cyclic", m.cyclic(graph));
        print("lambda", m.lambda(() -> "from lambda"));
        print("char", m.primitiveChar());
        Deployment d = new Deployment("blue", 3);
        print("record", d.name() + "/" + d.replicas());
        print("default", new SimpleExplainer().explain(4));
        Explainer proxy = (Explainer) Proxy.newProxyInstance(HostApp.class.getClassLoader(),
                new Class<?>[] {Explainer.class}, (p, method, a) -> method.isDefault()
                        ? java.lang.reflect.InvocationHandler.invokeDefault(p, method, a) : "proxy");
        print("proxy", proxy.name() + "/" + proxy.explain(9));
        if (toDelete != null) {
            deleteTree(toDelete);
            print("deleted", "storage");
        }
        AtomicLong sum = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                for (int i = 0; i < 200; i++) {
                    sum.addAndGet(Math.round(scorer.score(thread * 1000 + i, "pw")));
                }
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        print("threads", sum.get());
        System.exit(3);
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    private static void print(String what, Object value) {
        System.out.println(what + ": " + value);
    }
}
