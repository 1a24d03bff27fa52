package onekey.calls;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import onekey.elders.Elder;
import onekey.flows.FlowHost;
import onekey.flows.FlowResult;
import onekey.lines.Line;
import onekey.telephony.agi.AgiFlowServer;

/**
 * The server side of the one-key inbound flow (ARCHITECTURE flow 1): when the AGI session opens, the
 * call is registered and the caller looked up; the flow's "caller" look-up gets the elder, the
 * service and priority of the dialled line, the queue and the recording file; when the flow returns,
 * its steps go into the call's timeline.
 */
public final class InboundCalls implements AgiFlowServer.Binding {

    /** Older than Asterisk's longest bound on the flow (extensions.conf: 3 s, moved forward only by the flow itself). */
    static final long STALE_AFTER_MS = 3_500;

    private final CallTracker tracker;
    private final String queue;
    private final String defaultLanguage;
    private final BiFunction<String, String, Optional<String>> prompts;

    /**
     * @param prompts (text, language) → a sound path without extension, empty when no voice
     */
    public InboundCalls(CallTracker tracker, String queue, String defaultLanguage,
                        BiFunction<String, String, Optional<String>> prompts) {
        this(tracker, queue, defaultLanguage, prompts, (elderId, language) -> "", 300);
    }

    /**
     * @param nextBooking (elder id, language) → the elder's next hospital booking in words, "" when none (issue 21: the
     *                    registration line reads it back); asked on the registration line only, within
     *                    {@code bookingDeadlineMs} (the caller look-up's bound, {@code calls.lookupTimeoutMs}), never
     *                    failing the call
     */
    public InboundCalls(CallTracker tracker, String queue, String defaultLanguage,
                        BiFunction<String, String, Optional<String>> prompts, BiFunction<Long, String, String> nextBooking,
                        long bookingDeadlineMs) {
        this.bookingDeadlineMs = bookingDeadlineMs;
        this.tracker = tracker;
        this.queue = queue;
        this.defaultLanguage = defaultLanguage;
        this.prompts = prompts;
        this.nextBooking = nextBooking;
    }

    /** How long the registration line waits for the elder's next booking before it greets as usual. */
    private final long bookingDeadlineMs;
    private final BiFunction<Long, String, String> nextBooking;

    private String booking(long elderId, String language) {
        var f = java.util.concurrent.CompletableFuture.supplyAsync(() -> nextBooking.apply(elderId, language),
                r -> Thread.ofVirtual().name("booking-lookup").start(r));
        try {
            String b = f.get(bookingDeadlineMs, java.util.concurrent.TimeUnit.MILLISECONDS);
            return b == null ? "" : b;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return ""; // the elder is greeted and queued as always
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    @Override
    public FlowHost open(AgiFlowServer.Session s) {
        String linkedid = s.linkedid() == null || s.linkedid().isEmpty() ? s.uniqueid() : s.linkedid();
        if (s.arrivedAt() != null && s.startedAt() - s.arrivedAt() > STALE_AFTER_MS) {
            // the session waited in the kernel while OneKey was frozen: Asterisk's bound has passed and the
            // dialplan has queued the call itself (fail-open); running the flow now would only get in its way
            throw new IllegalStateException("AGI session for call " + linkedid + " is " + (s.startedAt() - s.arrivedAt())
                    + " ms old: the dialplan has failed open already");
        }
        Line line = tracker.lineFor(s.dnis());
        // bounded by the lookup deadline: past it the caller is greeted as unknown
        CallerLookup.Result found = tracker.flowArrived(linkedid, s.channel(), s.callerNumber(), s.dnis(), s.recordingFile(),
                s.arrivedAt() != null ? s.arrivedAt() : s.startedAt());
        Optional<Elder> elder = Optional.ofNullable(found.elder());
        return new FlowHost() {
            @Override
            public Map<String, String> lookup(String name, Map<String, String> vars) {
                if (!"caller".equals(name)) {
                    throw new IllegalArgumentException("no host look-up named " + name);
                }
                Map<String, String> out = new LinkedHashMap<>();
                out.put("ELDER_ID", elder.map(e -> String.valueOf(e.id())).orElse(""));
                out.put("ELDER_NAME", elder.map(Elder::name).orElse(""));
                out.put("LANGUAGE", elder.map(Elder::language).filter(l -> !l.isBlank()).orElse(defaultLanguage));
                out.put("SERVICE", line.service().wire());
                out.put("PRIORITY", String.valueOf(line.priority()));
                out.put("QUEUE", queue);
                if (line.service() == onekey.lines.Service.REGISTRATION && elder.isPresent()) {
                    out.put("BOOKING", booking(elder.get().id(), out.get("LANGUAGE")));
                }
                return out;
            }

            @Override
            public Optional<String> prompt(String text, String language) {
                return prompts.apply(text, language);
            }
        };
    }

    @Override
    public void closed(AgiFlowServer.Session s, FlowResult result) {
        String linkedid = s.linkedid() == null || s.linkedid().isEmpty() ? s.uniqueid() : s.linkedid();
        List<Map.Entry<Long, String>> steps = result.steps().stream()
                .map(r -> Map.entry(r.at().toEpochMilli(), r.step() + (r.detail() == null || r.detail().isEmpty() ? "" : ": " + r.detail())))
                .toList();
        tracker.flowSteps(linkedid, new java.util.ArrayList<>(steps));
        if (!result.ended()) {
            tracker.flowSteps(linkedid, List.of(Map.entry(System.currentTimeMillis(),
                    "flow " + result.status().name().toLowerCase() + (result.reason() == null ? "" : ": " + result.reason()))));
        }
    }
}
