package onekey.calls;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import onekey.events.EventHub;
import onekey.telephony.Pbx;
import onekey.telephony.PbxEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An elder never stays alone in a seat's three-way conference room. RULE (ARCHITECTURE "an elder's call is never
 * dropped", issue 7's conference): Asterisk's ConfBridge keeps the elder in the room when everyone else has gone —
 * the agent left and the family hung up, or the third party's move into the room failed — and nobody would hear
 * the elder. When the elder has been the room's only member for {@code aloneSeconds}, OneKey moves the elder's
 * channel back into the queue (at the line's priority, with the pop, still recorded: the channel keeps its
 * variables and its MixMonitor), notes it on the call's timeline and alerts the supervisors.
 *
 * <p>Rooms are followed from AMI's ConfbridgeJoin/Leave events on the dispatcher thread; the check after the
 * delay runs on this class's own timer. After an AMI reconnect the rooms are forgotten (the events of the gap are
 * not guessed); a room that is already down to the elder then is not noticed until someone joins or leaves.
 */
public final class ConferenceWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConferenceWatch.class);

    /** What the watch needs of the calls OneKey follows. */
    public interface Calls {
        /** Whether the channel is the elder's own leg of a call OneKey follows. */
        boolean elderLeg(String linkedid, String uniqueid);

        /** A note on the call's timeline. */
        void note(String linkedid, long at, String type, String detail);
    }

    /** One channel in a room. */
    record Member(String uniqueid, String linkedid, String channel) {}

    private final Pbx pbx;
    private final CallNotifier notifier;
    private final Calls calls;
    private final long aloneMillis;
    /** Room → its members by uniqueid; changed and read under this object's monitor. */
    private final Map<String, Map<String, Member>> rooms = new LinkedHashMap<>();
    private final ScheduledExecutorService timer;

    public ConferenceWatch(Pbx pbx, EventHub hub, Calls calls, int aloneSeconds) {
        this(pbx, hub, calls, aloneSeconds,
                Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("conference-watch").daemon().factory()));
    }

    /** With the timer the "still alone" checks run on (a test's own, driven by its clock). */
    public ConferenceWatch(Pbx pbx, EventHub hub, Calls calls, int aloneSeconds, ScheduledExecutorService timer) {
        this.pbx = pbx;
        this.notifier = new CallNotifier(hub);
        this.calls = calls;
        this.aloneMillis = aloneSeconds * 1000L;
        this.timer = timer;
    }

    /** From the AMI dispatcher. */
    public void onEvent(PbxEvent e) {
        switch (e) {
            case PbxEvent.ConferenceJoined j -> {
                log.debug("conference.join call={} room={} channel={}", j.linkedid(), j.conference(), j.channel());
                synchronized (this) {
                    rooms.computeIfAbsent(j.conference(), k -> new LinkedHashMap<>())
                            .put(j.uniqueid(), new Member(j.uniqueid(), j.linkedid(), j.channel()));
                }
            }
            case PbxEvent.ConferenceLeft l -> {
                log.debug("conference.leave call={} room={} channel={}", l.linkedid(), l.conference(), l.channel());
                Member alone;
                synchronized (this) {
                    Map<String, Member> room = rooms.get(l.conference());
                    if (room == null) {
                        return;
                    }
                    room.remove(l.uniqueid());
                    if (room.isEmpty()) {
                        rooms.remove(l.conference());
                    }
                    alone = room.size() == 1 ? room.values().iterator().next() : null;
                }
                if (alone != null && calls.elderLeg(alone.linkedid(), alone.uniqueid())) {
                    log.info("conference.elder-alone call={} room={} checkInMs={}", alone.linkedid(), l.conference(), aloneMillis);
                    timer.schedule(() -> stillAlone(l.conference(), alone), aloneMillis, TimeUnit.MILLISECONDS);
                }
            }
            default -> { }
        }
    }

    /** AMI (re)connected: what happened in the rooms meanwhile is unknown. */
    public synchronized void pbxConnected() {
        rooms.clear();
    }

    private void stillAlone(String conference, Member elder) {
        synchronized (this) {
            Map<String, Member> room = rooms.get(conference);
            if (room == null || room.size() != 1 || !room.containsKey(elder.uniqueid())) {
                return; // someone came back, or the elder left
            }
            rooms.remove(conference); // the elder is leaving it now
        }
        long now = System.currentTimeMillis();
        try {
            pbx.redirect(elder.channel(), "onekey-queue", "s");
        } catch (Pbx.PbxException e) {
            log.error("conference.requeue-failed call={} room={} error={}", elder.linkedid(), conference, e.getMessage());
            notifier.alert(new CallEvents.ConferenceAlone(elder.linkedid(), conference, "an elder is alone in conference room " + conference + " and could not be put back into"
                            + " the queue: call the elder"));
            return;
        }
        log.warn("conference.elder-requeued call={} room={} aloneMs={}", elder.linkedid(), conference, aloneMillis);
        calls.note(elder.linkedid(), now, "conference-alone", "room=" + conference + " alone=" + aloneMillis
                + "ms: back into the queue");
        notifier.alert(new CallEvents.ConferenceAlone(elder.linkedid(), conference, "an elder was left alone in conference room " + conference + " and is back in the queue"));
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
