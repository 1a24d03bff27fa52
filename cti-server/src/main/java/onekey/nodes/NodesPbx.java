package onekey.nodes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import onekey.telephony.LiveChannel;
import onekey.telephony.Pbx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nodes of a {@link NodeSet} as one {@link Pbx}.
 *
 * <ul>
 * <li>Settings (AstDB) and queue membership go to every connected node (a node that was away gets them again from
 *     the resync its reconnect runs); the members OneKey reads are the union over the nodes, and a member missing on
 *     a node is added there.</li>
 * <li>An agent busy on a node (a channel of the agent's phone is up there: ringing, talking, dialling out) is paused
 *     on every other node, so that no other node offers them a call; OneKey's own pause (break, wrap-up) is kept
 *     apart and wins. What {@link #queueMembers} reports is OneKey's own pause, so the agents' reconcile never
 *     fights the busy pause.</li>
 * <li>Calls OneKey places go through the first connected node in configured order (the active one of an
 *     active/standby pair); actions on a live channel go to the node that has it.</li>
 * </ul>
 */
final class NodesPbx implements Pbx {
    private static final Logger log = LoggerFactory.getLogger(NodesPbx.class);
    static final String BUSY_REASON = "busy on ";

    /** OneKey's own wish for a member (from queueAdd / queuePause). */
    record Wish(String queue, String name, boolean paused, String reason) {}

    private final NodeSet set;
    /** iface → queue → wish. */
    private final Map<String, Map<String, Wish>> wishes = new ConcurrentHashMap<>();
    /** iface → the nodes where a channel of that phone is up now. */
    private final Map<String, Set<String>> busyOn = new ConcurrentHashMap<>();
    /** iface + node → the pause applied there last (true/false), to send only changes. */
    private final Map<String, Boolean> applied = new ConcurrentHashMap<>();
    /** Busy pauses are sent off the event thread, in order. */
    private final ExecutorService ownPauses;
    private final java.util.concurrent.Executor pauses;

    NodesPbx(NodeSet set, java.util.concurrent.Executor pauses) {
        this.set = set;
        this.ownPauses = pauses == null ? Executors.newSingleThreadExecutor(Thread.ofVirtual().name("nodes-pause").factory()) : null;
        this.pauses = pauses == null ? ownPauses : pauses;
    }

    private List<NodeSet.Node> up() {
        return set.nodes().stream().filter(n -> n.state == NodeSet.State.UP).toList();
    }

    private List<NodeSet.Node> upOrThrow(String what) {
        List<NodeSet.Node> up = up();
        if (up.isEmpty()) {
            throw new PbxException(what + ": no Asterisk node is connected");
        }
        return up;
    }

    @Override
    public List<LiveChannel> liveChannels(List<String> callerVariables) {
        // a node that dropped its AMI and is not yet known dead may still carry calls: the merged view would say
        // they are gone, so the reader (a resync) tries again later
        for (NodeSet.Node n : set.nodes()) {
            if (n.state == NodeSet.State.SUSPECT) {
                throw new PbxException("node " + n.name() + " is not connected and not yet known dead: its calls are unknown");
            }
        }
        List<LiveChannel> out = new ArrayList<>();
        for (NodeSet.Node n : upOrThrow("live channels")) {
            out.addAll(n.pbx.liveChannels(callerVariables));
        }
        return out;
    }

    @Override
    public void putSetting(String family, String key, String value) {
        each("store " + family + "/" + key, n -> n.pbx.putSetting(family, key, value));
    }

    /** Every connected node's (a node's dialplan writes its own; a node away keeps its keys until it is back). */
    @Override
    public List<String> settingKeys(String family) {
        Set<String> out = new java.util.LinkedHashSet<>();
        List<String> failed = new ArrayList<>();
        for (NodeSet.Node n : upOrThrow("list " + family)) {
            try {
                out.addAll(n.pbx.settingKeys(family));
            } catch (PbxException e) {
                failed.add(n.name() + ": " + e.getMessage());
            }
        }
        if (out.isEmpty() && !failed.isEmpty()) {
            throw new PbxException("list " + family + " failed on " + failed);
        }
        return List.copyOf(out);
    }

    /** The first connected node's that has it. */
    @Override
    public java.util.Optional<String> setting(String family, String key) {
        PbxException first = null;
        for (NodeSet.Node n : upOrThrow("read " + family + "/" + key)) {
            try {
                java.util.Optional<String> v = n.pbx.setting(family, key);
                if (v.isPresent()) {
                    return v;
                }
            } catch (PbxException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
        return java.util.Optional.empty();
    }

    @Override
    public void deleteSettings(String family, String key) {
        each("delete " + family + "/" + key + "/…", n -> n.pbx.deleteSettings(family, key));
    }

    @Override
    public void deleteSetting(String family, String key) {
        each("delete " + family + "/" + key, n -> n.pbx.deleteSetting(family, key));
    }

    @Override
    public void queueAdd(String queue, String iface, String memberName, boolean paused, String reason) {
        wish(iface, new Wish(queue, memberName, paused, reason));
        each("add " + iface + " to " + queue, n -> addOn(n, queue, iface, memberName));
    }

    private void addOn(NodeSet.Node n, String queue, String iface, String memberName) {
        boolean pause = pausedOn(n, iface, queue);
        try {
            n.pbx.queueAdd(queue, iface, memberName, pause, reasonOn(n, iface, queue));
            applied.put(iface + "@" + n.name(), pause);
        } catch (PbxException e) {
            if (!lower(e).contains("already there")) {
                throw e;
            }
            pauseOn(n, queue, iface); // there already: make its pause right
        }
    }

    @Override
    public void queuePause(String queue, String iface, boolean paused, String reason) {
        Wish w = wishes.getOrDefault(iface, Map.of()).get(queue);
        wish(iface, new Wish(queue, w == null ? null : w.name(), paused, reason));
        each("pause " + iface, n -> pauseOn(n, queue, iface));
    }

    private void pauseOn(NodeSet.Node n, String queue, String iface) {
        boolean pause = pausedOn(n, iface, queue);
        n.pbx.queuePause(queue, iface, pause, reasonOn(n, iface, queue));
        applied.put(iface + "@" + n.name(), pause);
    }

    @Override
    public void queueRemove(String queue, String iface) {
        Map<String, Wish> w = wishes.get(iface);
        if (w != null) {
            w.remove(queue);
        }
        each("remove " + iface + " from " + queue, n -> {
            try {
                n.pbx.queueRemove(queue, iface);
            } catch (PbxException e) {
                if (!lower(e).contains("not there")) {
                    throw e;
                }
            }
        });
    }

    /**
     * The union of the connected nodes' members; a member missing on a node is added there (a node restarted
     * empty). Paused as OneKey wants it (its own pause), not as the busy pause has it on some node.
     */
    @Override
    public List<QueueMember> queueMembers(String queue) {
        List<NodeSet.Node> up = upOrThrow("queue members");
        Map<String, QueueMember> union = new LinkedHashMap<>();
        Map<String, Set<String>> where = new LinkedHashMap<>();
        for (NodeSet.Node n : up) {
            for (QueueMember m : n.pbx.queueMembers(queue)) {
                where.computeIfAbsent(m.iface(), k -> new TreeSet<>()).add(n.name());
                QueueMember seen = union.get(m.iface());
                // a pause of OneKey's own (not the busy pause) anywhere counts
                boolean own = m.paused() && (m.pausedReason() == null || !m.pausedReason().startsWith(BUSY_REASON));
                if (seen == null) {
                    union.put(m.iface(), new QueueMember(m.iface(), m.name(), own, own ? m.pausedReason() : null));
                } else if (own && !seen.paused()) {
                    union.put(m.iface(), new QueueMember(m.iface(), seen.name(), true, m.pausedReason()));
                }
            }
        }
        List<QueueMember> out = new ArrayList<>();
        for (QueueMember m : union.values()) {
            Wish w = wishes.getOrDefault(m.iface(), Map.of()).get(queue);
            if (w == null) {
                wish(m.iface(), w = new Wish(queue, m.name(), m.paused(), m.pausedReason()));
            }
            out.add(new QueueMember(m.iface(), m.name(), w.paused(), w.paused() ? w.reason() : null));
            for (NodeSet.Node n : up) {
                if (!where.get(m.iface()).contains(n.name())) {
                    log.info("node={} lacks queue member {}: added", n.name(), m.iface());
                    addOn(n, queue, m.iface(), m.name());
                }
            }
        }
        return out;
    }

    @Override
    public void originate(String channel, String context, long ringMillis, String callerId, Map<String, String> variables,
                          String actionId) {
        originate(channel, context, ringMillis, callerId, variables, actionId, null);
    }

    @Override
    public void originate(String channel, String context, long ringMillis, String callerId, Map<String, String> variables,
                          String actionId, String channelId) {
        PbxException last = null;
        for (NodeSet.Node n : upOrThrow("originate " + channel)) {
            try {
                n.pbx.originate(channel, context, ringMillis, callerId, variables, actionId, channelId);
                log.debug("node={} originate action={}", n.name(), actionId);
                return;
            } catch (PbxException e) {
                last = e; // refused (not connected any more, overloaded): the next node
                log.warn("node={} refused originate action={}: {}", n.name(), actionId, e.getMessage());
            }
        }
        throw last;
    }

    @Override
    public void reloadSip() {
        each("reload SIP", n -> n.pbx.reloadSip());
    }

    @Override
    public void redirect(String channel, String context, String exten) {
        onChannel(channel, "redirect", n -> n.pbx.redirect(channel, context, exten));
    }

    @Override
    public void hangup(String channel) {
        onChannel(channel, "hang up", n -> n.pbx.hangup(channel));
    }

    /** On the node that has the channel (by uniqueid, then by name); unknown: each connected node until one takes it. */
    private void onChannel(String channel, String what, java.util.function.Consumer<NodeSet.Node> action) {
        List<NodeSet.Node> up = upOrThrow(what + " " + channel);
        for (NodeSet.Node n : up) {
            if (n.channels.containsKey(channel) || channel.startsWith(n.name() + "-")) {
                action.accept(n);
                return;
            }
        }
        List<NodeSet.Node> byName = up.stream()
                .filter(n -> n.channels.values().stream().anyMatch(c -> channel.equals(c.name()))).toList();
        if (byName.size() == 1) {
            action.accept(byName.get(0));
            return;
        }
        PbxException last = null;
        for (NodeSet.Node n : byName.isEmpty() ? up : byName) {
            try {
                action.accept(n);
                return;
            } catch (PbxException e) {
                last = e;
            }
        }
        throw last != null ? last : new PbxException(what + " " + channel + ": no node has it");
    }

    /** Runs {@code action} on every connected node; throws (after trying all) when one failed or none is up. */
    private void each(String what, java.util.function.Consumer<NodeSet.Node> action) {
        List<String> failed = new ArrayList<>();
        PbxException first = null;
        for (NodeSet.Node n : upOrThrow(what)) {
            try {
                action.accept(n);
            } catch (PbxException e) {
                failed.add(n.name() + ": " + e.getMessage());
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw new PbxException(what + " failed on " + failed, first);
        }
    }

    private void wish(String iface, Wish w) {
        wishes.computeIfAbsent(iface, k -> new ConcurrentHashMap<>()).put(w.queue(), w);
    }

    /** Paused on {@code n}: OneKey wants it paused, or the phone is busy on another node. */
    boolean pausedOn(NodeSet.Node n, String iface, String queue) {
        Wish w = wishes.getOrDefault(iface, Map.of()).get(queue);
        return (w != null && w.paused()) || busyElsewhere(n.name(), iface) != null;
    }

    private String reasonOn(NodeSet.Node n, String iface, String queue) {
        Wish w = wishes.getOrDefault(iface, Map.of()).get(queue);
        if (w != null && w.paused()) {
            return w.reason();
        }
        String other = busyElsewhere(n.name(), iface);
        return other == null ? null : BUSY_REASON + other;
    }

    private String busyElsewhere(String node, String iface) {
        for (String o : busyOn.getOrDefault(iface, Set.of())) {
            if (!o.equals(node)) {
                return o;
            }
        }
        return null;
    }

    // ---- busy across nodes (called by NodeSet under its lock) ------------------------------------

    /** A channel was made or ended: if it is a member's phone, its busy nodes are counted again. */
    void channelsChanged(String channelName) {
        if (channelName == null || !channelName.startsWith("PJSIP/")) {
            return;
        }
        int dash = channelName.lastIndexOf('-');
        String iface = dash > 0 ? channelName.substring(0, dash) : channelName;
        if (wishes.containsKey(iface)) {
            recount(iface);
        }
    }

    void nodeUp(NodeSet.Node n) {
        applied.keySet().removeIf(k -> k.endsWith("@" + n.name()));
        wishes.keySet().forEach(this::recount);
        // a node back from a restart may hold members with a stale pause (a busy pause it kept in its AstDB): each
        // member's pause there is sent again (one it lacks is added with the right pause by the resync)
        for (String iface : wishes.keySet()) {
            pauses.execute(() -> applyPauses(iface));
        }
    }

    void nodeDown(NodeSet.Node n) {
        applied.keySet().removeIf(k -> k.endsWith("@" + n.name()));
        wishes.keySet().forEach(this::recount);
    }

    private void recount(String iface) {
        Set<String> now = new TreeSet<>();
        for (NodeSet.Node n : set.nodes()) {
            if (n.state == NodeSet.State.DEAD) {
                continue;
            }
            for (NodeSet.Chan c : n.channels.values()) {
                if (c.name() != null && c.name().startsWith(iface + "-")) {
                    now.add(n.name());
                    break;
                }
            }
        }
        Set<String> before = busyOn.put(iface, now);
        if (!now.equals(before)) {
            log.debug("member={} busy on {}", iface, now);
            pauses.execute(() -> applyPauses(iface));
        }
    }

    /** Sends the pause each connected node should have for the member now, where it changed. */
    private void applyPauses(String iface) {
        for (NodeSet.Node n : up()) {
            for (Wish w : wishes.getOrDefault(iface, Map.of()).values()) {
                boolean want = pausedOn(n, iface, w.queue());
                Boolean had = applied.get(iface + "@" + n.name());
                if (had != null && had == want) {
                    continue;
                }
                try {
                    n.pbx.queuePause(w.queue(), iface, want, reasonOn(n, iface, w.queue()));
                    applied.put(iface + "@" + n.name(), want);
                    log.info("node={} member={} {}", n.name(), iface, want ? "paused: " + reasonOn(n, iface, w.queue())
                            : "unpaused: free on every node");
                } catch (PbxException e) {
                    log.warn("node={} member={} pause not applied: {}", n.name(), iface, e.getMessage());
                }
            }
        }
    }

    /** The nodes a member's phone is busy on now (tests, health). */
    Set<String> busyOn(String iface) {
        return busyOn.getOrDefault(iface, Set.of());
    }

    private static String lower(Exception e) {
        return String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    }

    void close() {
        if (ownPauses != null) {
            ownPauses.shutdownNow();
        }
    }
}
