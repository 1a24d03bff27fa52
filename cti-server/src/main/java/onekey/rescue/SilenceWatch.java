package onekey.rescue;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import onekey.events.EventHub;
import onekey.telephony.PbxEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Detecting no response (issue 8): the dialplan turns on TALK_DETECT on every inbound caller's channel, so
 * Asterisk reports when the elder speaks. When an agent answers an SOS call and the elder has not spoken for
 * {@code silenceSeconds} since, the agent gets {@code call.silent} and confirms with one action (POST
 * /api/calls/{id}/no-response, or the WebSocket command {@code call.no-response}). An SOS call the elder left
 * before anyone answered is handed to {@code abandonedSos} (the server opens an incident by itself).
 */
public final class SilenceWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SilenceWatch.class);

    private final RescueNotifier notifier;
    private final long silenceMillis;
    /** agent interface ("PJSIP/1001") → account id. */
    private final Function<String, Long> accountOf;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "silence-watch");
        t.setDaemon(true);
        return t;
    });

    private static final class Watched {
        final boolean sos;
        volatile long lastSpeech;
        volatile boolean talking;
        volatile Long agentId;
        volatile long answeredAt;
        volatile boolean reported;

        Watched(boolean sos) {
            this.sos = sos;
        }
    }

    private final Map<String, Watched> calls = new ConcurrentHashMap<>();

    /** Called (on the watch's thread) with the linkedid of an SOS call the elder left before anyone answered. */
    private final java.util.function.Consumer<String> abandonedSos;

    public SilenceWatch(EventHub hub, int silenceSeconds, Function<String, Long> accountOf,
                        java.util.function.Consumer<String> abandonedSos) {
        this.notifier = new RescueNotifier(hub);
        this.abandonedSos = abandonedSos;
        this.silenceMillis = silenceSeconds * 1000L;
        this.accountOf = accountOf;
    }

    public void onEvent(PbxEvent e) {
        switch (e) {
            case PbxEvent.QueueEntry q -> calls.computeIfAbsent(q.linkedid(),
                    k -> new Watched("sos".equals(q.service()) || "unknown".equals(q.service())));
            case PbxEvent.Talking t -> {
                Watched w = calls.get(t.linkedid());
                if (w != null && t.linkedid().equals(t.uniqueid())) {
                    w.talking = t.talking();
                    w.lastSpeech = t.at();
                }
            }
            case PbxEvent.MemberConnected c -> {
                Watched w = calls.get(c.linkedid());
                if (w != null && w.sos) {
                    w.agentId = accountOf.apply(c.memberInterface());
                    w.answeredAt = System.currentTimeMillis();
                    timer.schedule(() -> check(c.linkedid()), silenceMillis, TimeUnit.MILLISECONDS);
                }
            }
            case PbxEvent.CallerAbandoned a -> {
                Watched w = calls.get(a.linkedid());
                if (w != null && w.sos) {
                    // give the journal a moment to store the call row the incident refers to
                    timer.schedule(() -> abandonedSos.accept(a.linkedid()), 1500, TimeUnit.MILLISECONDS);
                }
            }
            case PbxEvent.ChannelHungUp h -> {
                if (h.callerLeg()) {
                    calls.remove(h.linkedid());
                }
            }
            default -> { }
        }
    }

    private void check(String linkedid) {
        Watched w = calls.get(linkedid);
        if (w == null || w.reported || w.agentId == null) {
            return;
        }
        long quietSince = Math.max(w.answeredAt, w.lastSpeech);
        long now = System.currentTimeMillis();
        if (w.talking || now - quietSince < silenceMillis - 50) {
            // spoke meanwhile: look again once the elder has been quiet long enough
            timer.schedule(() -> check(linkedid), Math.max(500, silenceMillis - (now - quietSince)), TimeUnit.MILLISECONDS);
            return;
        }
        w.reported = true;
        log.warn("rescue.silent call={} agent={} silentMs={}", linkedid, w.agentId, now - quietSince);
        notifier.silent(w.agentId, linkedid, now - quietSince,
                "POST /api/calls/{id}/no-response or {\"type\":\"call.no-response\",\"linkedid\":…}");
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
