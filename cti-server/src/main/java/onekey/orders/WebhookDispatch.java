package onekey.orders;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import onekey.config.RetrySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An offer to a supplier's own system (issue 21): a POST of the order as JSON to its {@code webhookUrl}, signed
 * ({@link Signatures}: HMAC-SHA256 under its key over the timestamp and the body), delivered until the supplier's system
 * answers 2xx, retried with back-off (orders.webhookRetry "5x2": 5 deliveries, 2 s, 4 s, 8 s … apart) while the offer is
 * still open. The supplier answers through {@code POST /api/orders/{id}/supplier-update}, signed the same way.
 */
final class WebhookDispatch implements SupplierNotifier, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebhookDispatch.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Each delivery's result, on the offer's row. */
    interface Deliveries {
        void delivered(long offerId, boolean ok, String detail);
    }

    private final Clock clock;
    private final RetrySpec retry;
    private final Deliveries deliveries;
    private final LongPredicate stillOpen;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("order-webhooks").factory());

    WebhookDispatch(Clock clock, RetrySpec retry, Deliveries deliveries, LongPredicate stillOpen) {
        this.clock = clock;
        this.retry = retry;
        this.deliveries = deliveries;
        this.stillOpen = stillOpen;
    }

    /** What the supplier's system receives: the offer and what it must know to serve it (address, place, time). */
    static byte[] body(Offer o) {
        Map<String, Object> order = new LinkedHashMap<>();
        order.put("id", o.order().id());
        order.put("kind", o.order().kind().wire());
        order.put("category", o.order().category());
        order.put("need", o.order().need());
        order.put("wantedAt", o.order().wantedAt());
        order.put("price", o.order().price());
        if (o.elder() != null) {
            order.put("address", o.elder().address());
            order.put("landmarks", o.elder().landmarks());
            order.put("lat", o.elder().place().lat());
            order.put("lon", o.elder().place().lon());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", "order.offer");
        m.put("offer", o.offer().seq());
        m.put("supplierId", o.supplier().id());
        m.put("order", order);
        m.put("replyTo", "/api/orders/" + o.order().id() + "/supplier-update");
        try {
            return JSON.writeValueAsBytes(m);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void offer(Offer o) {
        byte[] body = body(o);
        timer.execute(() -> deliver(o, body, 1));
    }

    private void deliver(Offer o, byte[] body, int attempt) {
        long offerId = o.offer().id();
        if (!stillOpen.test(offerId)) {
            return;
        }
        Thread.ofVirtual().name("order-webhook-" + offerId).start(() -> {
            long ts = clock.millis() / 1000;
            String detail;
            boolean ok = false;
            try {
                HttpRequest req = Signatures.post(URI.create(o.supplier().webhookUrl()), o.supplier().webhookKey(), ts,
                        body, Duration.ofSeconds(10));
                HttpResponse<Void> r = http.send(req, HttpResponse.BodyHandlers.discarding());
                ok = r.statusCode() / 100 == 2;
                detail = "webhook delivery " + attempt + ": HTTP " + r.statusCode();
            } catch (java.io.IOException | IllegalArgumentException e) {
                detail = "webhook delivery " + attempt + " failed: " + e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                deliveries.delivered(offerId, ok, detail);
            } catch (RuntimeException e) {
                log.warn("orders.webhook-row offer={} error={}", offerId, e.toString());
            }
            log.info("orders.webhook order={} offer={} supplier={} attempt={} ok={}", o.order().id(), o.offer().seq(),
                    o.supplier().id(), attempt, ok);
            if (!ok && attempt < retry.attempts()) {
                long delay = retry.intervalSeconds() * 1000L << Math.min(attempt - 1, 10); // 2 s, 4 s, 8 s …
                timer.schedule(() -> deliver(o, body, attempt + 1), delay, TimeUnit.MILLISECONDS);
            }
        });
    }

    @Override
    public void close() {
        timer.shutdownNow();
        http.close();
    }
}
