package onekey.nodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import onekey.telephony.LiveChannel;
import onekey.telephony.Pbx;
import onekey.telephony.PbxEvent;
import onekey.telephony.ami.AmiClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The nodes as one PBX, with fake nodes: fan-out, the busy pause across nodes, a node's loss and its channels. */
class NodeSetTest {

    /** A node's PBX that records what it was asked and holds its own queue members. */
    static final class FakeNode implements Pbx {
        final String name;
        final List<String> actions = new CopyOnWriteArrayList<>();
        final Map<String, QueueMember> members = new LinkedHashMap<>();
        final List<LiveChannel> live = new CopyOnWriteArrayList<>();

        FakeNode(String name) {
            this.name = name;
        }

        @Override
        public List<LiveChannel> liveChannels(List<String> callerVariables) {
            return List.copyOf(live);
        }

        @Override
        public void putSetting(String family, String key, String value) {
            actions.add("put " + family + "/" + key + "=" + value);
        }

        @Override
        public void deleteSetting(String family, String key) {
            actions.add("del " + family + "/" + key);
        }

        /** AstDB: "family/key" → value. */
        final Map<String, String> astdb = new java.util.TreeMap<>();

        @Override
        public java.util.List<String> settingKeys(String family) {
            return astdb.keySet().stream().filter(k -> k.startsWith(family + "/"))
                    .map(k -> k.substring(family.length() + 1).split("/")[0]).distinct().toList();
        }

        @Override
        public java.util.Optional<String> setting(String family, String key) {
            return java.util.Optional.ofNullable(astdb.get(family + "/" + key));
        }

        @Override
        public void deleteSettings(String family, String key) {
            astdb.keySet().removeIf(k -> k.startsWith(family + "/" + key + "/"));
            actions.add("deltree " + family + "/" + key);
        }

        @Override
        public void queueAdd(String queue, String iface, String memberName, boolean paused, String reason) {
            if (members.containsKey(iface)) {
                throw new PbxException("QueueAdd failed: Unable to add interface: Already there");
            }
            members.put(iface, new QueueMember(iface, memberName, paused, reason));
            actions.add("add " + iface + (paused ? " paused " + reason : ""));
        }

        @Override
        public void queuePause(String queue, String iface, boolean paused, String reason) {
            QueueMember m = members.get(iface);
            members.put(iface, new QueueMember(iface, m == null ? null : m.name(), paused, paused ? reason : null));
            actions.add((paused ? "pause " : "unpause ") + iface + (paused ? " " + reason : ""));
        }

        @Override
        public void queueRemove(String queue, String iface) {
            members.remove(iface);
            actions.add("remove " + iface);
        }

        @Override
        public List<QueueMember> queueMembers(String queue) {
            return List.copyOf(members.values());
        }

        @Override
        public void originate(String channel, String context, long ringMillis, String callerId, Map<String, String> variables,
                              String actionId) {
            actions.add("originate " + channel);
        }

        @Override
        public void reloadSip() {
            actions.add("reload");
        }

        @Override
        public void originate(String channel, String context, long ringMillis, String callerId, Map<String, String> variables,
                              String actionId, String channelId) {
            actions.add("originate " + channel + " " + channelId);
        }

        @Override
        public void redirect(String channel, String context, String exten) {
            actions.add("redirect " + channel);
        }

        @Override
        public void hangup(String channel) {
            actions.add("hangup " + channel);
        }
    }

    /** What the root's subscribers hear, in order. */
    static final class Downstream implements AmiClient.Listener {
        final List<String> heard = new ArrayList<>();

        @Override
        public void onConnected(AmiClient ami) {
            heard.add("connected");
        }

        @Override
        public void onDisconnected() {
            heard.add("disconnected");
        }

        @Override
        public void onEvent(PbxEvent event) {
            heard.add(switch (event) {
                case PbxEvent.ChannelHungUp h -> "hangup " + h.uniqueid() + " cause=" + h.cause() + " " + h.causeText();
                default -> event.getClass().getSimpleName() + " " + event.linkedid();
            });
        }
    }

    FakeNode a;
    FakeNode b;
    NodeSet set;
    NodeSet.Node na;
    NodeSet.Node nb;
    Downstream down;
    AmiClient.Listener la;
    AmiClient.Listener lb;

    @BeforeEach
    void setUp() {
        a = new FakeNode("n1");
        b = new FakeNode("n2");
        na = new NodeSet.Node(new NodeSet.Spec("n1", "127.0.0.1", 5038), null, a);
        nb = new NodeSet.Node(new NodeSet.Spec("n2", "127.0.0.1", 5039), null, b);
        set = new NodeSet(List.of(na, nb), 1000, Runnable::run);
        down = new Downstream();
        set.attach(down);
        la = set.listenerFor(na);
        lb = set.listenerFor(nb);
    }

    private void bothUp() {
        la.onConnected(null);
        lb.onConnected(null);
    }

    @Test
    void keptSettingsAreListedFromEveryConnectedNodeReadWhereTheyAreAndDeletedEverywhere() {
        a.astdb.put("onekey-alarm-kept/100-x/n", "1:fall1");
        b.astdb.put("onekey-alarm-kept/200-y/n", "1:fall2");
        b.astdb.put("onekey-alarm-kept/100-x/n", "1:fall1"); // the same alarm kept on both
        assertThatThrownBy(() -> set.pbx().settingKeys("onekey-alarm-kept")).hasMessageContaining("no Asterisk node");
        bothUp();
        assertThat(set.pbx().settingKeys("onekey-alarm-kept")).containsExactly("100-x", "200-y");
        assertThat(set.pbx().setting("onekey-alarm-kept/200-y", "n")).contains("1:fall2");
        assertThat(set.pbx().setting("onekey-alarm-kept/300-z", "n")).isEmpty();
        set.pbx().deleteSettings("onekey-alarm-kept", "100-x");
        assertThat(a.astdb).isEmpty();
        assertThat(b.astdb).containsOnlyKeys("onekey-alarm-kept/200-y/n");
    }

    @Test
    void settingsGoToEveryConnectedNodeAndNeedOne() {
        assertThatThrownBy(() -> set.pbx().putSetting("onekey", "sos-wait", "30")).hasMessageContaining("no Asterisk node");
        bothUp();
        set.pbx().putSetting("onekey", "sos-wait", "30");
        assertThat(a.actions).containsExactly("put onekey/sos-wait=30");
        assertThat(b.actions).containsExactly("put onekey/sos-wait=30");
    }

    @Test
    void anAgentBusyOnOneNodeIsPausedOnTheOthersUntilFreeEverywhere() {
        bothUp();
        set.pbx().queueAdd("onekey", "PJSIP/1001", "1001", false, null);
        assertThat(a.members.get("PJSIP/1001").paused()).isFalse();
        assertThat(b.members.get("PJSIP/1001").paused()).isFalse();

        // the agent's phone rings for a call on n1
        la.onEvent(new PbxEvent.ChannelCreated("n1-1.1", 1, "n1-1.2", "PJSIP/1001-00000001"));
        assertThat(b.members.get("PJSIP/1001")).satisfies(m -> {
            assertThat(m.paused()).isTrue();
            assertThat(m.pausedReason()).isEqualTo("busy on n1");
        });
        assertThat(a.members.get("PJSIP/1001").paused()).as("not paused where it talks (ringinuse=no does that)").isFalse();
        // OneKey's own view of the member is its own wish: not paused
        assertThat(set.pbx().queueMembers("onekey")).singleElement().satisfies(m -> assertThat(m.paused()).isFalse());

        // hung up: free on every node again
        la.onEvent(new PbxEvent.ChannelHungUp("n1-1.1", 2, "n1-1.2", false, 16, "Normal Clearing"));
        assertThat(b.members.get("PJSIP/1001").paused()).isFalse();
        assertThat(b.actions).containsSubsequence("pause PJSIP/1001 busy on n1", "unpause PJSIP/1001");
        // the events still reached the subscribers, one stream
        assertThat(down.heard).contains("ChannelCreated n1-1.1", "hangup n1-1.2 cause=16 Normal Clearing");
    }

    @Test
    void oneKeysOwnPauseWinsOverTheBusyPause() {
        bothUp();
        set.pbx().queueAdd("onekey", "PJSIP/1001", "1001", false, null);
        la.onEvent(new PbxEvent.ChannelCreated("n1-1.1", 1, "n1-1.2", "PJSIP/1001-00000001"));
        set.pbx().queuePause("onekey", "PJSIP/1001", true, "wrap-up");
        la.onEvent(new PbxEvent.ChannelHungUp("n1-1.1", 2, "n1-1.2", false, 16, "Normal Clearing"));
        assertThat(a.members.get("PJSIP/1001").pausedReason()).isEqualTo("wrap-up");
        assertThat(b.members.get("PJSIP/1001")).satisfies(m -> {
            assertThat(m.paused()).isTrue();
            assertThat(m.pausedReason()).isEqualTo("wrap-up");
        });
        set.pbx().queuePause("onekey", "PJSIP/1001", false, null);
        assertThat(a.members.get("PJSIP/1001").paused()).isFalse();
        assertThat(b.members.get("PJSIP/1001").paused()).isFalse();
    }

    @Test
    void aMemberMissingOnANodeIsAddedThereAndTheUnionIsReported() {
        a.members.put("PJSIP/1001", new Pbx.QueueMember("PJSIP/1001", "1001", true, "break"));
        bothUp();
        List<Pbx.QueueMember> members = set.pbx().queueMembers("onekey");
        assertThat(members).singleElement().satisfies(m -> {
            assertThat(m.iface()).isEqualTo("PJSIP/1001");
            assertThat(m.paused()).isTrue();
            assertThat(m.pausedReason()).isEqualTo("break");
        });
        assertThat(b.actions).containsExactly("add PJSIP/1001 paused break");
        assertThat(a.actions).isEmpty();
    }

    @Test
    void callsArePlacedThroughTheFirstLiveNodeAndChannelActionsGoWhereTheChannelIs() {
        bothUp();
        set.pbx().originate("PJSIP/021@trunk", "onekey-callback", 30_000, null, Map.of(), "okcb-1", "okcb-1");
        assertThat(a.actions).containsExactly("originate PJSIP/021@trunk okcb-1");
        lb.onEvent(new PbxEvent.ChannelCreated("n2-5.1", 1, "n2-5.1", "PJSIP/trunk-00000001"));
        set.pbx().hangup("n2-5.1");
        set.pbx().redirect("PJSIP/trunk-00000001", "onekey-queue", "s");
        assertThat(b.actions).containsExactly("hangup n2-5.1", "redirect PJSIP/trunk-00000001");
        assertThat(set.nodeOf("n2-5.1")).isEqualTo("n2");

        la.onDisconnected();
        set.declareDead(na);
        set.pbx().originate("PJSIP/021@trunk", "onekey-callback", 30_000, null, Map.of(), "okcb-2", "okcb-2");
        assertThat(b.actions).contains("originate PJSIP/021@trunk okcb-2");
    }

    @Test
    void aNodeLostIsSuspectThenDeadItsChannelsEndedAndItsCallsHandedOn() {
        bothUp();
        // a call on n1 answered by an agent, and one on n2
        la.onEvent(new PbxEvent.ChannelCreated("n1-7.1", 1, "n1-7.1", "PJSIP/trunk-00000001"));
        la.onEvent(new PbxEvent.ChannelCreated("n1-7.1", 2, "n1-7.2", "PJSIP/1001-00000001"));
        lb.onEvent(new PbxEvent.ChannelCreated("n2-3.1", 3, "n2-3.1", "PJSIP/trunk-00000001"));
        List<NodeSet.Lost> lost = new ArrayList<>();
        set.onNodeLost(l -> {
            lost.add(l);
            down.heard.add("lost " + l.node());
        });
        down.heard.clear();

        la.onDisconnected();
        // suspect: not yet known dead, so nobody may conclude its calls are gone
        assertThat(down.heard).as("another node is up: no disconnect for the subscribers").isEmpty();
        assertThatThrownBy(() -> set.pbx().liveChannels(List.of())).hasMessageContaining("not yet known dead");
        assertThat(set.metrics()).extractingByKey("n1").asString().contains("state=suspect");

        set.declareDead(na);
        assertThat(down.heard).containsExactly("lost n1",
                "hangup n1-7.2 cause=38 node lost: n1",
                "hangup n1-7.1 cause=38 node lost: n1");
        assertThat(lost).singleElement().satisfies(l -> assertThat(l.callerLegs()).extracting(LiveChannel::linkedid)
                .containsExactly("n1-7.1"));
        assertThat(set.metrics()).extractingByKey("n1").asString().contains("state=dead");
        assertThat(set.alerts()).singleElement().satisfies(m -> assertThat(m).containsEntry("node", "n1"));
        // the other node is untouched; the merged view is n2's alone
        b.live.add(new LiveChannel("n2-3.1", "n2-3.1", "PJSIP/trunk-00000001", "021", "onekey-queue", "s", "Queue", 1000,
                Map.of()));
        assertThat(set.pbx().liveChannels(List.of())).extracting(LiveChannel::linkedid).containsExactly("n2-3.1");
        assertThat(set.up("n2")).isTrue();

        // the last node goes too: now the subscribers hear the disconnect
        lb.onDisconnected();
        assertThat(down.heard).endsWith("disconnected");
        // n1 back: connected again, resync asked downstream
        la.onConnected(null);
        assertThat(down.heard).endsWith("connected");
        assertThat(set.up("n1")).isTrue();
    }

    @Test
    void aNodeBackBeforeItIsDeclaredDeadKeepsItsCalls() {
        bothUp();
        la.onEvent(new PbxEvent.ChannelCreated("n1-7.1", 1, "n1-7.1", "PJSIP/trunk-00000001"));
        a.live.add(new LiveChannel("n1-7.1", "n1-7.1", "PJSIP/trunk-00000001", "021", "onekey-queue", "s", "Queue", 1000,
                Map.of()));
        la.onDisconnected();
        la.onConnected(null); // an AMI blip
        set.declareDead(na);  // the timer that was cancelled: nothing happens
        assertThat(down.heard).noneMatch(h -> h.contains("cause=38"));
        assertThat(set.pbx().liveChannels(List.of())).extracting(LiveChannel::linkedid).containsExactly("n1-7.1");
    }
}
