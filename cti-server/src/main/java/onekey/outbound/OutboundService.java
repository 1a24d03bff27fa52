package onekey.outbound;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongUnaryOperator;
import onekey.elders.PhoneNumbers;
import onekey.telephony.LiveChannel;
import onekey.telephony.Pbx;
import onekey.telephony.PbxEvent;
import onekey.telephony.TrunkLoad;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one durable outbound-call service (ARCHITECTURE "Where the structure goes next", issue 17): every call OneKey
 * places for a feature (rescue redials and contacts, an agent's call for an incident, broadcasts) is a {@link Leg}
 * row written before it is dialled, moved planned → dialing → done by conditional UPDATEs, so after a restart or a
 * kill -9 nothing is dialled twice: a leg left "dialing" is finished {@link Outcome#UNKNOWN} unless Asterisk still
 * has its channel.
 *
 * <p>One dialer: {@link Lane#SOS} legs are dialled when due and no limit ever holds them back; {@link Lane#BULK} legs
 * wait for the trunk's limits ({@link Limits}: channels, calls a second, the channels kept for SOS, quiet hours).
 * Every leg is originated with a pre-assigned channel id (its action id too), so the channel's Hangup and its cause
 * name the leg; {@link Outcome#ofOriginate} is the one mapping of reasons and causes.
 *
 * <p>Features say what a leg means through their {@link Owner}: whether it is still wanted, what to dial, what its
 * end means. Everything here runs on one thread; the AMI round trip of each dial on its own virtual thread.
 */
public final class OutboundService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OutboundService.class);

    /**
     * The trunk's rules for bulk legs (config {@code broadcast.*}): at most {@code maxChannels} up and
     * {@code callsPerSecond} new a second (0: no rate); with {@code trunkChannels} known (&gt; 0) never one of the
     * last {@code sosReserve} channels; {@code quietUntil}: when the quiet hours around a time end (the time itself
     * when it is not inside them).
     */
    public record Limits(int maxChannels, int callsPerSecond, int trunkChannels, int sosReserve,
                         LongUnaryOperator quietUntil) {
        /** No limit at all (only SOS legs, or a test). */
        public static Limits none() {
            return new Limits(Integer.MAX_VALUE / 2, 0, 0, 0, t -> t);
        }
    }

    /** What Asterisk is asked to place: the channel to call, where it goes when answered, its variables. */
    public record Dial(String endpoint, String context, long ringMillis, String callerId, Map<String, String> vars) {}

    /** Whether a due leg is dialled now, waits (stays due), or is no longer wanted (finished cancelled). */
    public record Admission(boolean dial, String dropped) {
        public static final Admission DIAL = new Admission(true, null);
        public static final Admission HOLD = new Admission(false, null);

        public static Admission drop(String why) {
            return new Admission(false, why);
        }
    }

    /** Why a leg's row changed before it ended: the feature mirrors it on its own row. */
    public enum Move { DIALING, REPLANNED, DEFERRED }

    /** The call cannot be prepared (e.g. its message could not be spoken): the leg fails with this message. */
    public static final class Unplaceable extends RuntimeException {
        public Unplaceable(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * What a leg means, said by the feature that owns it (its legs' owner name, how their channel ids begin, the channel
     * variable holding the owner's row id, whether they are bulk). Called on the outbound thread unless said otherwise.
     */
    public abstract static class Owner {
        private final String name;
        private final String channelPrefix;
        private final String tagVariable;
        private final boolean bulk;

        protected Owner(String name, String channelPrefix, String tagVariable, boolean bulk) {
            this.name = name;
            this.channelPrefix = channelPrefix;
            this.tagVariable = tagVariable;
            this.bulk = bulk;
        }

        /** The legs' owner column: rescue, broadcast. */
        public final String name() {
            return name;
        }

        /** How its channel ids (and action ids) begin: the owner's row id follows. */
        public final String channelPrefix() {
            return channelPrefix;
        }

        /** The channel variable holding the owner's row id (found again on a resync). */
        public final String tagVariable() {
            return tagVariable;
        }

        /** Bulk legs: their channels are the ones the trunk limits count. */
        public final boolean bulk() {
            return bulk;
        }

        public Admission admit(Leg leg, long now) {
            return Admission.DIAL;
        }

        /** What to dial; on the dial's virtual thread (may speak a prompt). */
        public abstract Dial prepare(Leg leg);

        /** The leg's row moved (dialing now, planned again, deferred): mirror it. */
        public abstract void moved(Leg leg, Move move);

        /** Asterisk took the call; on the dial's virtual thread. */
        public void placed(Leg leg) {
        }

        /** Answered (the feature's own result comes from the dialplan). */
        public void answered(Leg leg) {
        }

        /** The leg ended without the feature's result: busy, no answer, hung up, failed, unknown, cancelled. */
        public abstract void ended(Leg leg, Outcome outcome, String detail);

        /** How long a leg may stay dialing without a word from Asterisk before it is finished unknown. */
        public abstract long staleMillis(Leg leg);
    }

    private final OutboundRepository repo;
    private final Pbx pbx;
    private final Clock clock;
    private final Limits limits;
    private final CallRate rate;
    private final Map<String, Owner> owners = new ConcurrentHashMap<>();
    private final Worker worker;
    /** uniqueid of an answered leg's channel → leg id (to notice a hang-up before the feature's result). */
    private final Map<String, Long> answered = new ConcurrentHashMap<>();
    /** leg id → attempts to hand the call to Asterisk that failed (AMI away). */
    private final Map<Long, Integer> refusals = new ConcurrentHashMap<>();
    /** Hangup cause of a leg's channel: tells busy and no answer from a plain failure. */
    private final Map<String, Integer> causes = new ConcurrentHashMap<>();
    /**
     * Bulk channels Asterisk may still have (from the dial until the channel's Hangup, not until the leg's end): the
     * limit {@code maxChannels} counts these, as Asterisk counts channels. Value: when the leg ended (0 while it runs),
     * to forget a channel whose Hangup never came.
     */
    private final Map<String, Long> up = new ConcurrentHashMap<>();
    private final AtomicBoolean kicked = new AtomicBoolean();
    /**
     * The legs this process started dialling and has not seen end, by channel id and by (owner, reference, step): the
     * AMI's answer to an Originate and the owners' results find their leg here instead of reading its row (issue 23:
     * a read per OriginateResponse and per result, ~6 % of a broadcast call's CPU). Added on the worker thread when a
     * leg's row says dialing, before its call is placed; removed when the leg ends here ({@link #forget}) or goes back
     * to planned. A leg not found here (dialled before a restart) is read from its row, as before; a leg found here
     * is still moved by conditional UPDATEs only, so one another path ended meanwhile is not ended twice.
     */
    private final Map<String, Leg> inFlight = new ConcurrentHashMap<>();
    private final Map<String, Leg> inFlightByRef = new ConcurrentHashMap<>();
    /** Each dialing leg's stale limit, asked of its owner once (worker thread only). */
    private final Map<Long, Long> staleAfter = new HashMap<>();
    /** Legs their owner held back (a paused campaign's) → when they are asked again (worker thread only). */
    private final Map<Long, Long> heldUntil = new HashMap<>();
    /** When the dialing legs were last looked over ({@link #sweep}). */
    private long sweptAt = Long.MIN_VALUE / 2;
    /** The dialing legs are looked over at most this often. */
    static final long SWEEP_MILLIS = 1000;
    /** A held leg is asked again after this. */
    static final long HOLD_MILLIS = 1000;
    /** Due bulk legs read first, then a page at a time, at most {@link #MAX_SCANNED} in a pass. */
    static final int FIRST_PAGE = 16;
    static final int NEXT_PAGE = 100;
    static final int MAX_SCANNED = 2000;
    /** The dialer's next pass (on the worker thread only); replaced after every pass, kicked or not. */
    private java.util.concurrent.ScheduledFuture<?> nextPass;
    /** Passes while legs are dialled or wait for the call rate or a channel: one horizon of the call rate's slots. */
    static final long BUSY_MILLIS = CallRate.HORIZON_MS;
    /** Idle: the longest wait for a leg planned without a kick (e.g. by another node, or written by hand). */
    static final long IDLE_MILLIS = 1000;
    private volatile boolean pbxReady;
    /** Trunk channels up, whoever made them (null: not known, only the bulk legs' own are counted). */
    private final TrunkLoad trunk;
    private boolean trunkHeld;

    /**
     * {@code trunk}: the trunk's live channels, so that bulk legs leave {@code sosReserve} of them free; null when not
     * known (only the bulk legs' own channels are counted).
     */
    public OutboundService(OutboundRepository repo, Pbx pbx, Clock clock, Limits limits, TrunkLoad trunk) {
        this.repo = repo;
        this.pbx = pbx;
        this.clock = clock;
        this.limits = limits;
        this.trunk = trunk;
        this.rate = new CallRate(limits.callsPerSecond());
        this.worker = new Worker("outbound", "the outbound dialer is busy");
        // every BUSY_MILLIS (250 ms) while legs are dialled or wait for the rate: a pass starts the legs whose slots
        // fall before the next and places each call at its own slot (20 a second still leave one every 50 ms); idle,
        // at the next leg's due time and at least once a second (issue 23: no four queries every 100 ms when nothing
        // is due). A kill -9 loses nothing: the first pass runs at start.
        worker.execute(this::tick);
    }

    public void register(Owner owner) {
        owners.put(owner.name(), owner);
    }

    public OutboundRepository legs() {
        return repo;
    }

    /** A leg was planned that may be due now: the dialer looks at once instead of at its next tick. */
    public void kick() {
        if (kicked.compareAndSet(false, true)) {
            worker.execute(() -> {
                kicked.set(false);
                tick();
            });
        }
    }

    /**
     * The feature heard the leg's result (a key, speech, a dial status): the leg is done ({@link Outcome#ANSWERED}
     * unless said otherwise). False when it was done already.
     */
    public boolean finish(String owner, String reference, int step, Outcome outcome, String detail) {
        Optional<Leg> l = find(owner, reference, step);
        if (l.isEmpty() || !repo.finish(l.get().id(), outcome, detail, clock.millis())) {
            return false;
        }
        forget(l.get(), clock.millis());
        return true;
    }

    /** The dialplan says the leg's channel {@code uniqueid} answered (its hang-up is then noticed). */
    public void answeredOn(String owner, String reference, int step, String uniqueid) {
        if (uniqueid != null) {
            find(owner, reference, step).filter(l -> !l.done()).ifPresent(l -> answered.put(uniqueid, l.id()));
        }
    }

    /** The leg: the one this process is dialling, else its row. */
    private Optional<Leg> find(String owner, String reference, int step) {
        Leg l = inFlightByRef.get(refKey(owner, reference, step));
        return l != null ? Optional.of(l) : repo.find(owner, reference, step);
    }

    private static String refKey(String owner, String reference, int step) {
        return owner + '\u0000' + reference + '\u0000' + step;
    }

    /** A leg whose row says dialing now (worker thread, before its call is placed). */
    private void dialing(Leg d) {
        inFlight.put(d.channelId(), d);
        inFlightByRef.put(refKey(d.owner(), d.reference(), d.step()), d);
    }

    private void notDialing(Leg l) {
        inFlight.remove(l.channelId());
        inFlightByRef.remove(refKey(l.owner(), l.reference(), l.step()));
    }

    /** A planned leg is due at {@code dueAt} instead (the next contact's turn); false when it is not planned. */
    public boolean reschedule(String owner, String reference, int step, long dueAt) {
        boolean moved = repo.find(owner, reference, step).map(l -> repo.reschedule(l.id(), dueAt, false)).orElse(false);
        if (moved) {
            kick();
        }
        return moved;
    }

    /**
     * Places a call now, without a row (a person's own phone, e.g. a supervisor's extension for a spy session), with
     * the channel id chosen here so the channel's Hangup names it. The only other caller of Originate is the dialer.
     */
    public static void place(Pbx pbx, Dial d, String actionId, String channelId) {
        pbx.originate(d.endpoint(), d.context(), d.ringMillis(), d.callerId(), d.vars(), actionId, channelId);
    }

    // ---- the PBX ------------------------------------------------------------------------------------------

    /** From the AMI dispatcher: handed to the outbound thread at once. */
    public void onEvent(PbxEvent e) {
        switch (e) {
            case PbxEvent.OriginateResult o when o.actionId() != null && ours(o.actionId()) ->
                    worker.execute(() -> originated(o, o.actionId()));
            case PbxEvent.ChannelHungUp h when h.uniqueid() != null -> {
                if (ours(h.uniqueid())) {
                    causes.put(h.uniqueid(), h.cause());
                    up.remove(h.uniqueid());
                }
                // on this thread, after the answer that came before it: a quick hang-up is not missed
                worker.execute(() -> hungUp(h));
            }
            default -> { }
        }
    }

    private boolean ours(String id) {
        for (Owner o : owners.values()) {
            if (id.startsWith(o.channelPrefix())) {
                return true;
            }
        }
        return false;
    }

    /**
     * AMI (re)connected (the root's resync): legs left "dialing" by an earlier run whose channel Asterisk no longer
     * has are finished unknown (never dialled again; the feature's plan goes on), those it still has are followed
     * again; then due legs may be dialled.
     */
    public void resync() {
        worker.execute(() -> {
            try {
                resyncNow();
                pbxReady = true;
            } catch (RuntimeException ex) {
                log.warn("outbound.resync-failed error={}", ex.toString());
            }
        });
    }

    private void resyncNow() {
        List<String> tags = owners.values().stream().map(Owner::tagVariable).distinct().toList();
        Set<String> bulk = bulkPrefixes();
        List<LiveChannel> live = pbx.liveChannels(tags);
        Map<String, String> byChannel = new HashMap<>();
        for (LiveChannel c : live) {
            if (c.uniqueid() == null) {
                continue;
            }
            byChannel.put(c.uniqueid(), c.uniqueid());
            for (String tag : tags) {
                String v = c.variables() == null ? null : c.variables().get(tag);
                if (v != null) {
                    byChannel.put(tag + "=" + v, c.uniqueid()); // a channel placed before ids were pre-assigned
                }
            }
            if (bulk.stream().anyMatch(c.uniqueid()::startsWith)) {
                up.put(c.uniqueid(), 0L);
            }
        }
        for (Leg l : repo.dialing()) {
            Owner o = owners.get(l.owner());
            if (o == null) {
                continue; // its feature does not run here
            }
            String uniqueid = Optional.ofNullable(byChannel.get(l.channelId()))
                    .orElse(byChannel.get(o.tagVariable() + "=" + l.rowId()));
            if (uniqueid != null) {
                answered.put(uniqueid, l.id());
            } else if (!refusals.containsKey(l.id())) {
                end(l, Outcome.UNKNOWN, "the server restarted while this call was placed; not dialled again");
            }
        }
    }

    public void pbxDisconnected() {
        pbxReady = false;
    }

    /** One pass of the dialer now, on its thread, returning when it is done (tests move their clock, then call it). */
    public void pollNow() {
        worker.execute(this::tick);
        worker.drain();
    }

    private void tick() {
        long delay = BUSY_MILLIS;
        try {
            delay = pass();
        } catch (RuntimeException e) {
            log.warn("outbound.tick-failed error={}", e.toString());
        } finally {
            if (nextPass != null) {
                nextPass.cancel(false);
            }
            try {
                nextPass = worker.schedule(this::tick, delay);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                nextPass = null; // closing
            }
        }
    }

    /** One pass of the dialer; returns when the next is wanted (ms). */
    private long pass() {
        long now = clock.millis();
        if (now - sweptAt >= SWEEP_MILLIS || now < sweptAt) {
            sweep(now);
            sweptAt = now;
        }
        if (!pbxReady) {
            return BUSY_MILLIS;
        }
        // RULE: the SOS lane first, and nothing holds it back
        startSos(now);
        // a channel whose Hangup never came is forgotten a minute after its leg ended
        up.entrySet().removeIf(en -> en.getValue() > 0 && now - en.getValue() > 60_000);
        if (startBulk(now)) {
            return BUSY_MILLIS;
        }
        Long next = repo.nextDue();
        long now2 = clock.millis();
        return next == null || next <= now2 ? IDLE_MILLIS : Math.max(1, Math.min(next - now2, IDLE_MILLIS));
    }

    /**
     * Legs dialing without a word from Asterisk for longer than their owner allows are finished unknown; hangup causes
     * are kept for the legs being dialled only. Once a second at most (issue 23: the limits are minutes; reading every
     * dialing leg and asking its owner every 100 ms was a third of the dialer's CPU in a broadcast).
     */
    private void sweep(long now) {
        List<Leg> dialing = repo.dialing();
        Set<String> channels = new HashSet<>();
        Set<Long> ids = new HashSet<>();
        for (Leg l : dialing) {
            channels.add(l.channelId());
            ids.add(l.id());
            Owner o = owners.get(l.owner());
            long stale = o == null ? Long.MAX_VALUE : staleAfter.computeIfAbsent(l.id(), k -> o.staleMillis(l));
            if (l.startedAt() != null && now - l.startedAt() > stale && !answered.containsValue(l.id())) {
                end(l, Outcome.UNKNOWN, "no outcome from Asterisk within " + stale / 1000 + " s");
            }
        }
        staleAfter.keySet().retainAll(ids);
        // a leg whose row no longer says dialing (ended by a path that did not pass here) is not kept in memory
        inFlight.values().removeIf(l -> !ids.contains(l.id()));
        inFlightByRef.values().removeIf(l -> !ids.contains(l.id()));
        causes.keySet().retainAll(channels); // a cause is wanted while its leg is being dialled only
        heldUntil.values().removeIf(until -> until < now - 60_000);
    }

    /**
     * Starts the due bulk legs the trunk's limits let through now: read a page at a time (oldest first) past the legs
     * their owner holds back, their rows moved to dialing and the owners' bookkeeping written in one transaction, then
     * each call placed at its own slot of the call rate. True while more are due than could start (the next pass
     * comes after {@link #BUSY_MILLIS}).
     */
    private boolean startBulk(long now) {
        List<Leg> page = repo.due(Lane.BULK, now, FIRST_PAGE, null);
        if (page.isEmpty()) {
            return false;
        }
        int free = Math.min(limits.maxChannels() - Math.max(up.size(), repo.countDialing(Lane.BULK)), trunkRoom());
        free = Math.min(free, rate.available(now));
        if (free <= 0) {
            return true; // due legs wait for a channel or for the call rate
        }
        List<Leg> chosen = new ArrayList<>();
        int scanned = 0;
        int size = FIRST_PAGE;
        while (true) {
            for (Leg l : page) {
                scanned++;
                if (chosen.size() < free && wanted(l, now)) {
                    chosen.add(l);
                }
            }
            if (chosen.size() >= free || page.size() < size || scanned >= MAX_SCANNED) {
                break;
            }
            size = NEXT_PAGE;
            page = repo.due(Lane.BULK, now, size, page.getLast());
        }
        if (chosen.isEmpty()) {
            return false;
        }
        List<Leg> started = new ArrayList<>();
        repo.together(() -> {
            for (Leg l : chosen) {
                if (repo.startDialing(l.id(), now)) {
                    Leg d = l.dialing(now);
                    owners.get(l.owner()).moved(d, Move.DIALING);
                    started.add(d);
                }
            }
        });
        for (Leg d : started) { // committed: now the calls may be placed
            dialAtSlot(d, owners.get(d.owner()), now);
        }
        return true;
    }

    /**
     * Whether a due bulk leg may start now: its owner wants it (a leg no longer wanted is finished; one held back is
     * asked again after {@link #HOLD_MILLIS}) and it is not inside the quiet hours (then it is due when they end).
     */
    private boolean wanted(Leg l, long now) {
        Long until = heldUntil.get(l.id());
        Owner o = owners.get(l.owner());
        if (o == null || until != null && until > now) {
            return false;
        }
        Admission a = o.admit(l, now);
        if (!a.dial()) {
            if (a.dropped() != null) {
                end(l, Outcome.CANCELLED, a.dropped());
            } else {
                heldUntil.put(l.id(), now + HOLD_MILLIS); // e.g. a paused campaign: its legs wait, due, until resumed
            }
            return false;
        }
        heldUntil.remove(l.id());
        // RULE (issue 9): no non-urgent call inside the quiet hours; the leg waits until they end
        long quietUntil = l.quiet() ? limits.quietUntil().applyAsLong(now) : now;
        if (quietUntil > now) {
            if (repo.reschedule(l.id(), quietUntil, false)) {
                log.info("outbound.quiet-hours owner={} reference={} step={} until={}", l.owner(), l.reference(),
                        l.step(), java.time.Instant.ofEpochMilli(quietUntil));
                repo.get(l.id()).ifPresent(d -> o.moved(d, Move.DEFERRED));
            }
            return false;
        }
        return true;
    }

    /** Whether the owner still wants a due leg now; a leg no longer wanted is finished cancelled. */
    private boolean admitted(Leg l, Owner o, long now) {
        Admission a = o.admit(l, now);
        if (!a.dial() && a.dropped() != null) {
            end(l, Outcome.CANCELLED, a.dropped());
        }
        return a.dial();
    }

    /**
     * Starts every due SOS leg: their rows say dialing (one transaction) BEFORE Asterisk is asked, then every call is
     * placed, then the owners hear of them. A burst (180 incidents confirmed at once, issue 23) so waits for one commit,
     * not for a commit and the owner's bookkeeping per call ahead of it.
     */
    private void startSos(long now) {
        Map<Long, Owner> admitted = new java.util.LinkedHashMap<>();
        List<Leg> due = new java.util.ArrayList<>();
        for (Leg l : repo.due(Lane.SOS, now, 500)) {
            Owner o = owners.get(l.owner());
            if (o != null && admitted(l, o, now)) {
                admitted.put(l.id(), o);
                due.add(l);
            }
        }
        if (due.size() <= 1) {
            due.forEach(l -> start(l, admitted.get(l.id()), now));
            return;
        }
        List<Leg> started = repo.startDialingAll(List.copyOf(admitted.keySet()), now);
        // the calls are placed at once; each owner hears "placed" only after it heard "dialing" (its bookkeeping)
        java.util.concurrent.CompletableFuture<Void> toldDialing = new java.util.concurrent.CompletableFuture<>();
        for (Leg d : started) {
            Owner o = admitted.get(d.id());
            dialing(d);
            Thread.ofVirtual().name("outbound-dial-" + d.id()).start(() -> dial(d, o, toldDialing));
        }
        try {
            for (Leg d : started) {
                admitted.get(d.id()).moved(d, Move.DIALING);
            }
        } finally {
            toldDialing.complete(null);
        }
    }

    /** Starts a due leg: the row says dialing BEFORE Asterisk is asked. */
    private boolean start(Leg l, Owner o, long now) {
        if (!repo.startDialing(l.id(), now)) {
            return false;
        }
        Leg d = l.dialing(now);
        o.moved(d, Move.DIALING);
        dialAtSlot(d, o, now);
        return true;
    }

    /** Places a leg's call on its own virtual thread: a bulk leg at its slot of the call rate, any other now. */
    private void dialAtSlot(Leg d, Owner o, long now) {
        dialing(d);
        if (d.lane() == Lane.BULK) {
            up.put(d.channelId(), 0L);
        }
        Runnable dial = () -> Thread.ofVirtual().name("outbound-dial-" + d.id()).start(() -> dial(d, o));
        long delay = d.lane() == Lane.BULK ? rate.reserve(now) - now : 0; // each bulk call at its own slot
        if (delay > 0) {
            worker.schedule(dial, delay);
        } else {
            dial.run();
        }
    }

    private void dial(Leg l, Owner o) {
        dial(l, o, java.util.concurrent.CompletableFuture.completedFuture(null));
    }

    /** Places the leg's call; the owner hears "placed" once {@code toldDialing} is done. */
    private void dial(Leg l, Owner o, java.util.concurrent.CompletableFuture<Void> toldDialing) {
        Dial d;
        try {
            d = o.prepare(l);
        } catch (Unplaceable | IllegalArgumentException e) {
            worker.execute(() -> end(l, Outcome.FAILED, e.getMessage()));
            return;
        }
        try {
            place(pbx, d, l.channelId(), l.channelId());
            log.info("outbound.dial owner={} reference={} step={} leg={} lane={} number={}", l.owner(), l.reference(),
                    l.step(), l.id(), l.lane().wire(), PhoneNumbers.mask(l.number()));
            toldDialing.join();
            o.placed(l);
        } catch (Pbx.PbxException e) {
            worker.execute(() -> refused(l, e));
        }
    }

    private void refused(Leg l, Pbx.PbxException e) {
        int n = refusals.merge(l.id(), 1, Integer::sum);
        log.warn("outbound.dial-refused owner={} reference={} step={} try={} error={}", l.owner(), l.reference(), l.step(),
                n, e.getMessage());
        up.remove(l.channelId()); // Asterisk made no channel
        notDialing(l);
        if (n >= 3) {
            end(l, Outcome.FAILED, "Asterisk refused the call: " + e.getMessage());
        } else if (repo.reschedule(l.id(), clock.millis() + 2000, true)) {
            repo.get(l.id()).ifPresent(p -> owners.get(l.owner()).moved(p, Move.REPLANNED));
        } else {
            end(l, Outcome.FAILED, e.getMessage());
        }
    }

    private void originated(PbxEvent.OriginateResult o, String actionId) {
        boolean late = actionId.endsWith("#late");
        String channelId = late ? actionId.substring(0, actionId.length() - "#late".length()) : actionId;
        Leg l = inFlight.get(channelId);
        if (l == null) {
            l = repo.byChannel(channelId).orElse(null);
        }
        if (l == null || l.done()) {
            return;
        }
        Owner owner = owners.get(l.owner());
        if (o.success()) {
            if (o.linkedid() != null) {
                answered.put(o.linkedid(), l.id());
            }
            if (owner != null) {
                owner.answered(l);
            }
            return;
        }
        Integer cause = causes.remove(channelId);
        if (o.reason() == 0 && cause == null && !late) {
            // the channel's Hangup (with its cause) may come just after the originate's failure: look again shortly
            worker.schedule(() -> originated(o, channelId + "#late"), 500);
            return;
        }
        end(l, Outcome.ofOriginate(o.reason(), cause), Outcome.originateDetail(o.reason(), cause));
    }

    private void hungUp(PbxEvent.ChannelHungUp h) {
        Long id = answered.remove(h.uniqueid());
        if (id != null) {
            repo.get(id).filter(l -> !l.done()).ifPresent(l -> end(l, Outcome.HUNG_UP, "answered, hung up before a result"));
        }
    }

    /** Ends a leg (once) and tells its owner. */
    private void end(Leg l, Outcome outcome, String detail) {
        long now = clock.millis();
        if (!repo.finish(l.id(), outcome, detail, now)) {
            return;
        }
        forget(l, now);
        log.info("outbound.leg-done owner={} reference={} step={} leg={} outcome={}", l.owner(), l.reference(), l.step(),
                l.id(), outcome.wire());
        Owner o = owners.get(l.owner());
        if (o != null) {
            o.ended(l, outcome, detail);
        }
    }

    private void forget(Leg l, long now) {
        notDialing(l);
        refusals.remove(l.id());
        answered.values().remove(l.id());
        causes.remove(l.channelId());
        up.computeIfPresent(l.channelId(), (k, v) -> now); // still counted until Asterisk says the channel is gone
    }

    private Set<String> bulkPrefixes() {
        Set<String> s = new java.util.HashSet<>();
        owners.values().stream().filter(Owner::bulk).forEach(o -> s.add(o.channelPrefix()));
        return s;
    }

    /**
     * How many more bulk calls the trunk takes now. RULE (issue 9, delivery rules): bulk calls always leave room for
     * SOS — with a trunk of {@code trunkChannels}, every channel up (elders' calls, rescue redials, calls to 110,
     * broadcasts) counts, and a bulk leg never takes one of the last {@code sosReserve}. Bulk channels are counted from
     * the dial until their Hangup ({@code up}), so one being placed right now is never missed.
     */
    private int trunkRoom() {
        if (limits.trunkChannels() <= 0) {
            return Integer.MAX_VALUE;
        }
        TrunkLoad t = trunk;
        int others = t == null ? 0 : t.busyExcept(bulkPrefixes());
        int room = limits.trunkChannels() - limits.sosReserve() - others - up.size();
        if (room <= 0 != trunkHeld) {
            trunkHeld = room <= 0;
            log.info("outbound.trunk-{} trunkChannels={} sosReserve={} others={} bulk={}", trunkHeld ? "full" : "free",
                    limits.trunkChannels(), limits.sosReserve(), others, up.size());
        }
        return room;
    }

    @Override
    public void close() {
        worker.close();
    }
}
