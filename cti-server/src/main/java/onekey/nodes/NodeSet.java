package onekey.nodes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import onekey.telephony.LiveChannel;
import onekey.telephony.Pbx;
import onekey.telephony.PbxEvent;
import onekey.telephony.ami.AmiClient;
import onekey.telephony.ami.AmiPbx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several Asterisk media servers (nodes) behind Kamailio, seen by the rest of OneKey as one PBX (issue 25).
 *
 * <ul>
 * <li>One AMI connection per node. Every node's events go to the one subscriber list (the root's
 *     {@code ResyncCoordinator}) one at a time, each node's in its own arrival order: the subscribers keep seeing a
 *     single event stream as with one Asterisk. Each node runs with its own {@code systemname} (= the node's name),
 *     so its uniqueids and linkedids start with it ({@code n1-1733491234.12}): calls are keyed by node and linkedid
 *     without any change to the call model.</li>
 * <li>A node's (re)connect runs the resync as with one Asterisk; what it reads is {@link NodesPbx}'s merged view, in
 *     which the other nodes' calls are present, so they are left as they are.</li>
 * <li>A node whose AMI connection drops is <em>suspect</em>: while one is, a resync fails and is tried again (its
 *     calls are not declared gone on a blip). When it has not come back within {@code deadAfterMs} it is
 *     <em>dead</em>: each channel it had is reported ended ({@link PbxEvent.ChannelHungUp} with cause
 *     {@link #NODE_LOST_CAUSE}, "network out of order"), after the agents' legs the callers', and the calls that
 *     were live on it are handed to the node-loss listeners (the call-back of cut-off elders).</li>
 * <li>Only when no node is connected at all do the subscribers hear {@code disconnected()}.</li>
 * </ul>
 */
public final class NodeSet implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeSet.class);

    /** Q.850 38, network out of order: the cause of the hangups OneKey reports for a dead node's channels. */
    public static final int NODE_LOST_CAUSE = 38;
    /** The cause text of those hangups starts with this. */
    public static final String NODE_LOST_TEXT = "node lost: ";

    /** A node from the configuration: its name (Asterisk's systemname) and where its AMI listens. */
    public record Spec(String name, String amiHost, int amiPort) {}

    /** What a dead node had: its name and the caller legs that were live on it ({@code linkedid → channel}). */
    public record Lost(String node, long at, List<LiveChannel> callerLegs) {}

    enum State { UP, SUSPECT, DEAD }

    /** A channel live on a node, as its events told. */
    record Chan(String linkedid, String uniqueid, String name) {}

    static final class Node {
        final Spec spec;
        final AmiClient ami;
        final Pbx pbx;
        volatile State state = State.SUSPECT; // not yet connected: not known to be empty
        final Map<String, Chan> channels = new ConcurrentHashMap<>();
        ScheduledFuture<?> deadTimer;
        volatile long stateSince = System.currentTimeMillis();
        volatile long lostCount;

        Node(Spec spec, AmiClient ami, Pbx pbx) {
            this.spec = spec;
            this.ami = ami;
            this.pbx = pbx;
        }

        String name() {
            return spec.name();
        }
    }

    private final List<Node> nodes;
    private final long deadAfterMs;
    private final Object lock = new Object();
    private final NodesPbx pbx;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("nodes-timer").factory());
    private final List<Consumer<Lost>> lossListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile AmiClient.Listener downstream;

    /** Nodes over AMI, all logging in with {@code user}/{@code secret}. */
    public static NodeSet overAmi(List<Spec> specs, String user, String secret, int eventQueueCapacity, long deadAfterMs) {
        List<Node> nodes = new ArrayList<>();
        for (Spec s : specs) {
            AmiClient ami = new AmiClient(new AmiClient.Settings(s.amiHost(), s.amiPort(), user, secret, eventQueueCapacity));
            nodes.add(new Node(s, ami, new AmiPbx(ami)));
        }
        return new NodeSet(nodes, deadAfterMs, null);
    }

    /** {@code pauses}: where the busy pauses are sent from (null: a thread of its own; tests run them in place). */
    NodeSet(List<Node> nodes, long deadAfterMs, java.util.concurrent.Executor pauses) {
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("no nodes");
        }
        this.nodes = List.copyOf(nodes);
        this.deadAfterMs = deadAfterMs;
        this.pbx = new NodesPbx(this, pauses);
    }

    /** The nodes as one PBX: settings and queue membership on every node, calls placed through a live one. */
    public Pbx pbx() {
        return pbx;
    }

    /** Told of every node declared dead, before its channels are reported ended (under the event lock). */
    public void onNodeLost(Consumer<Lost> listener) {
        lossListeners.add(listener);
    }

    /** Connects every node; their events and connection changes go to {@code subscribers}, one at a time. */
    public void start(AmiClient.Listener subscribers) {
        attach(subscribers);
        for (Node n : nodes) {
            n.ami.start(listenerFor(n));
            // a node that never answers is dead after a grace (at least 10 s: the first AMI login of a JVM is slow)
            synchronized (lock) {
                n.deadTimer = timer.schedule(() -> declareDead(n), Math.max(deadAfterMs, 10_000), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Where the nodes' events go (start does it; tests drive {@link #listenerFor} themselves). */
    void attach(AmiClient.Listener subscribers) {
        this.downstream = subscribers;
    }

    List<Node> nodes() {
        return nodes;
    }

    Object lock() {
        return lock;
    }

    AmiClient.Listener listenerFor(Node n) {
        return new AmiClient.Listener() {
            @Override
            public void onConnected(AmiClient ami) {
                synchronized (lock) {
                    if (n.deadTimer != null) {
                        n.deadTimer.cancel(false);
                        n.deadTimer = null;
                    }
                    State was = n.state;
                    try {
                        n.channels.clear();
                        for (LiveChannel c : n.pbx.liveChannels(List.of())) {
                            n.channels.put(c.uniqueid(), new Chan(c.linkedid(), c.uniqueid(), c.channel()));
                        }
                    } catch (RuntimeException e) {
                        log.warn("node={} channels not read on connect: {}", n.name(), e.toString());
                    }
                    setState(n, State.UP);
                    log.info("node={} connected (was {}) channels={}", n.name(), was, n.channels.size());
                    pbx.nodeUp(n);
                    downstream.onConnected(ami);
                }
            }

            @Override
            public void onFullyBooted(AmiClient ami) {
                synchronized (lock) {
                    downstream.onFullyBooted(ami);
                }
            }

            @Override
            public void onDisconnected() {
                synchronized (lock) {
                    if (n.state != State.UP) {
                        return;
                    }
                    setState(n, State.SUSPECT);
                    log.warn("node={} AMI lost: suspect; dead in {} ms unless it comes back", n.name(), deadAfterMs);
                    if (n.ami != null) { // (unit tests declare it dead themselves)
                        n.deadTimer = timer.schedule(() -> declareDead(n), deadAfterMs, TimeUnit.MILLISECONDS);
                    }
                    if (nodes.stream().noneMatch(x -> x.state == State.UP)) {
                        downstream.onDisconnected();
                    }
                }
            }

            @Override
            public void onEvent(PbxEvent e) {
                synchronized (lock) {
                    track(n, e);
                    downstream.onEvent(e);
                }
            }
        };
    }

    private static void setState(Node n, State s) {
        n.state = s;
        n.stateSince = System.currentTimeMillis();
    }

    private void track(Node n, PbxEvent e) {
        switch (e) {
            case PbxEvent.ChannelCreated c when c.uniqueid() != null -> {
                n.channels.put(c.uniqueid(), new Chan(c.linkedid(), c.uniqueid(), c.channel()));
                pbx.channelsChanged(c.channel());
            }
            case PbxEvent.ChannelHungUp h when h.uniqueid() != null -> {
                Chan gone = n.channels.remove(h.uniqueid());
                if (gone != null) {
                    pbx.channelsChanged(gone.name());
                }
            }
            default -> { }
        }
    }

    /** The node did not come back in time: its channels are gone with it. */
    void declareDead(Node n) {
        Lost lost;
        synchronized (lock) {
            n.deadTimer = null;
            if (n.state != State.SUSPECT) {
                return;
            }
            setState(n, State.DEAD);
            n.lostCount++;
            long now = System.currentTimeMillis();
            List<Chan> chans = new ArrayList<>(n.channels.values());
            n.channels.clear();
            List<LiveChannel> callers = new ArrayList<>();
            for (Chan c : chans) {
                if (c.uniqueid().equals(c.linkedid())) {
                    callers.add(new LiveChannel(c.linkedid(), c.uniqueid(), c.name(), null, null, null, null, 0, Map.of()));
                }
            }
            log.error("node={} dead: {} channel(s) ended with it, {} call(s); new calls go to the other nodes",
                    n.name(), chans.size(), callers.size());
            // the listeners first, while the calls are still followed as they were (who answered, which line)
            lost = new Lost(n.name(), now, List.copyOf(callers));
            for (Consumer<Lost> l : lossListeners) {
                try {
                    l.accept(lost);
                } catch (RuntimeException ex) {
                    log.error("node={} loss listener failed", n.name(), ex);
                }
            }
            String text = NODE_LOST_TEXT + n.name();
            // the agents' (and other) legs first, then the callers': the order Asterisk itself mostly reports them in
            for (Chan c : chans) {
                if (!c.uniqueid().equals(c.linkedid())) {
                    emit(new PbxEvent.ChannelHungUp(c.linkedid(), now, c.uniqueid(), false, NODE_LOST_CAUSE, text));
                }
            }
            for (Chan c : chans) {
                if (c.uniqueid().equals(c.linkedid())) {
                    emit(new PbxEvent.ChannelHungUp(c.linkedid(), now, c.uniqueid(), true, NODE_LOST_CAUSE, text));
                }
            }
            pbx.nodeDown(n);
        }
    }

    private void emit(PbxEvent e) {
        AmiClient.Listener d = downstream;
        if (d != null) {
            d.onEvent(e);
        }
    }

    /** True when the node of that name is connected. */
    public boolean up(String name) {
        return nodes.stream().anyMatch(n -> n.name().equals(name) && n.state == State.UP);
    }

    /** True when at least one node is connected. */
    public boolean anyUp() {
        return nodes.stream().anyMatch(n -> n.state == State.UP);
    }

    /** The node a channel's uniqueid belongs to by its systemname prefix ({@code n1-…}), or null. */
    public String nodeOf(String uniqueidOrLinkedid) {
        if (uniqueidOrLinkedid == null) {
            return null;
        }
        for (Node n : nodes) {
            if (uniqueidOrLinkedid.startsWith(n.name() + "-") || n.channels.containsKey(uniqueidOrLinkedid)) {
                return n.name();
            }
        }
        return null;
    }

    /** An alert per node that is not connected (for /api/health): its name, state and since when. */
    public List<Map<String, Object>> alerts() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Node n : nodes) {
            if (n.state != State.UP) {
                out.add(Map.of("kind", "node-down", "node", n.name(), "state", n.state.name().toLowerCase(java.util.Locale.ROOT),
                        "since", n.stateSince, "message", "Asterisk node " + n.name() + " is " + (n.state == State.DEAD
                                ? "down: new calls go to the other nodes" : "not connected")));
            }
        }
        return out;
    }

    /** Per node for /api/health: its state and since when, its AMI figures, its live channels. */
    public Map<String, Object> metrics() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Node n : nodes) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("state", n.state.name().toLowerCase(java.util.Locale.ROOT));
            one.put("since", n.stateSince);
            one.put("channels", n.channels.size());
            one.put("deaths", n.lostCount);
            one.put("ami", n.ami == null ? Map.of() : n.ami.metrics());
            m.put(n.name(), one);
        }
        return m;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        pbx.close();
        for (Node n : nodes) {
            if (n.ami != null) {
                n.ami.close();
            }
        }
    }
}
