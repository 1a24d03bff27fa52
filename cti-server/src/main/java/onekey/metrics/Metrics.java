package onekey.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.DiskSpaceMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's meters, served as {@code GET /metrics} in Prometheus' text format (docs/operations.md, "Monitoring").
 * Features add their figures through {@link #gauge} and {@link #counter} (a figure read when scraped): e.g. the SMS
 * feature registers {@code onekey_sms_queued}. Names are given in Prometheus form ({@code onekey_queue_waiting});
 * counters get their {@code _total} suffix from the registry.
 *
 * <p>A figure that cannot be read when scraped (the database away) is reported as NaN, never as an error: a scrape
 * must always answer, it is how an outage is seen.
 */
public final class Metrics implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Metrics.class);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private JvmGcMetrics gc;

    /** A registry with nothing bound (tests). */
    public Metrics() {
    }

    /** JVM memory, GC, threads, class loading, CPU, uptime, and the free space of {@code disks} ({@code disk_free_bytes}). */
    public Metrics withJvmAndDisks(Path... disks) {
        // names promtool's lint refuses (an abbreviated unit; a gauge ending in _count): dropped or renamed
        registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")));
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
            }
        });
        new JvmMemoryMetrics().bindTo(registry);
        gc = new JvmGcMetrics();
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        for (Path d : disks) {
            new DiskSpaceMetrics(d.toAbsolutePath().toFile()).bindTo(registry);
        }
        return this;
    }

    /** The registry (the feed's counters and timers are made on it). */
    public MeterRegistry registry() {
        return registry;
    }

    /**
     * A gauge read at every scrape: {@code name} in Prometheus form (e.g. {@code onekey_sms_queued}), {@code tags} as
     * key, value pairs. The supplier must be quick; one that throws gives NaN for that scrape.
     */
    public Metrics gauge(String name, String help, Supplier<? extends Number> value, String... tags) {
        Gauge.builder(dotted(name), () -> read(name, value)).description(help).tags(Tags.of(tags)).register(registry);
        return this;
    }

    /**
     * A counter kept elsewhere (a running total that only grows), read at every scrape: {@code name} without the
     * {@code _total} suffix, which the exposition adds.
     */
    public Metrics counter(String name, String help, Supplier<? extends Number> total, String... tags) {
        FunctionCounter.builder(dotted(name), total, t -> read(name, t)).description(help).tags(Tags.of(tags))
                .register(registry);
        return this;
    }

    private volatile long lastWarning;

    private double read(String name, Supplier<? extends Number> value) {
        try {
            Number n = value.get();
            return n == null ? Double.NaN : n.doubleValue();
        } catch (RuntimeException e) {
            long now = System.currentTimeMillis();
            if (now - lastWarning > 60_000) {
                lastWarning = now;
                log.warn("metrics.read-failed meter={} error={}", name, e.toString());
            }
            return Double.NaN;
        }
    }

    /** Prometheus' names use '_'; Micrometer's naming convention turns '.' back into '_'. */
    static String dotted(String name) {
        return name.replace('_', '.');
    }

    /** Everything, in Prometheus' text exposition format 0.0.4. */
    public String scrape() {
        return registry.scrape();
    }

    /** The content type of {@link #scrape()}. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    @Override
    public void close() {
        if (gc != null) {
            gc.close();
        }
        registry.close();
    }
}
