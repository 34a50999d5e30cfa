package io.ciaf.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP receiver on 127.0.0.1 that can fail its first requests, answer slowly or always fail; it checks
 * every signature and deduplicates on X-CIAF-Delivery, as a receiver should.
 */
final class Receiver implements AutoCloseable {

    record Request(String delivery, String event, String body, boolean signatureValid) {
    }

    final String secret;
    final List<Request> requests = new CopyOnWriteArrayList<>();
    /** Unique deliveries: id → body. */
    final Map<String, String> delivered = new ConcurrentHashMap<>();
    final AtomicInteger failFirst = new AtomicInteger();
    volatile int slowFirstMillis;
    final AtomicInteger slowFirst = new AtomicInteger();
    volatile int status = 200;
    private final HttpServer server;

    Receiver(String secret, int port) throws IOException {
        this.secret = secret;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/hook", this::handle);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    String url() {
        return "http://127.0.0.1:" + port() + "/hook";
    }

    private void handle(HttpExchange x) throws IOException {
        String body;
        try (InputStream in = x.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String id = x.getRequestHeaders().getFirst("X-CIAF-Delivery");
        boolean valid = WebhookSignature.verify(secret, x.getRequestHeaders().getFirst("X-CIAF-Signature"), body,
                System.currentTimeMillis() / 1000, 300);
        requests.add(new Request(id, x.getRequestHeaders().getFirst("X-CIAF-Event"), body, valid));
        if (slowFirst.getAndDecrement() > 0) {
            try {
                Thread.sleep(slowFirstMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        int code = failFirst.getAndDecrement() > 0 ? 500 : status;
        if (code == 200 && valid && id != null) {
            delivered.putIfAbsent(id, body);
        }
        x.sendResponseHeaders(code, -1);
        x.close();
    }

    /** Waits until {@code n} unique deliveries arrived; false on timeout. */
    boolean await(int n, long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (delivered.size() < n && System.currentTimeMillis() < end) {
            Thread.sleep(10);
        }
        return delivered.size() >= n;
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
