package onekey.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A burst of wrong logins, as a password-guessing attacker sends them: raw HTTP/1.1 from a source address of
 * its own (e.g. 127.0.0.2, so the server's per-address throttle does not touch the tests' own logins from
 * 127.0.0.1), {@code concurrency} connections at a time. Counts the answers by status; "-1" counts requests
 * that got no HTTP answer at all.
 */
public final class LoginFlood {

    public record Result(Map<Integer, Integer> byStatus, int withRetryAfter, long elapsedMs) {
        public int count(int status) {
            return byStatus.getOrDefault(status, 0);
        }

        public int total() {
            return byStatus.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    private LoginFlood() {}

    public static Result run(int port, String fromAddress, int requests, int concurrency, String usernamePrefix) {
        Map<Integer, AtomicInteger> counts = new ConcurrentHashMap<>();
        LongAdder retryAfter = new LongAdder();
        Semaphore slots = new Semaphore(concurrency);
        long t0 = System.nanoTime();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < requests; i++) {
                String user = usernamePrefix + (i % 50);
                slots.acquireUninterruptibly();
                ex.execute(() -> {
                    try {
                        String[] head = post(port, fromAddress, user);
                        counts.computeIfAbsent(Integer.parseInt(head[0]), k -> new AtomicInteger()).incrementAndGet();
                        if (head[1] != null) {
                            retryAfter.increment();
                        }
                    } catch (IOException | RuntimeException e) {
                        counts.computeIfAbsent(-1, k -> new AtomicInteger()).incrementAndGet();
                    } finally {
                        slots.release();
                    }
                });
            }
            ex.shutdown();
            try {
                ex.awaitTermination(5, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Map<Integer, Integer> out = new java.util.TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.get()));
        return new Result(out, retryAfter.intValue(), (System.nanoTime() - t0) / 1_000_000);
    }

    /** One POST /api/login; returns {status, Retry-After or null}. */
    private static String[] post(int port, String fromAddress, String user) throws IOException {
        byte[] body = ("{\"username\":\"" + user + "\",\"password\":\"wrong-guess-123\"}").getBytes(StandardCharsets.UTF_8);
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(fromAddress, 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            String status = in.readLine();
            if (status == null || !status.startsWith("HTTP/1.1 ")) {
                throw new IOException("no HTTP answer: " + status);
            }
            String retry = null;
            for (String h = in.readLine(); h != null && !h.isEmpty(); h = in.readLine()) {
                if (h.regionMatches(true, 0, "Retry-After:", 0, 12)) {
                    retry = h.substring(12).trim();
                }
            }
            return new String[] {status.substring(9, 12), retry};
        }
    }
}
