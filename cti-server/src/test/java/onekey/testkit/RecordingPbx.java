package onekey.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import onekey.telephony.LiveChannel;
import onekey.telephony.Pbx;
import org.awaitility.Awaitility;

/**
 * A PBX for unit tests of the outbound services (rescue, broadcasts): it records the calls OneKey asks it to place,
 * in order; the test feeds Asterisk's answers back as the events AMI would deliver. The ITs run the same services
 * against a real Asterisk.
 */
public final class RecordingPbx implements Pbx {

    /** One call asked for: the channel, the dialplan context, the channel variables and the action id. */
    public record Call(String channel, String context, Map<String, String> vars, String actionId) {
        /** The rescue's step id (ONEKEY_STEP). */
        public String step() {
            return vars.get("ONEKEY_STEP");
        }

        /** The broadcast's attempt id (ONEKEY_BCAST). */
        public String attempt() {
            return vars.get("ONEKEY_BCAST");
        }
    }

    public final List<Call> calls = new CopyOnWriteArrayList<>();
    /** What Asterisk says it has up now (a resync reads these): none unless a test puts some. */
    public final List<LiveChannel> live = new CopyOnWriteArrayList<>();
    /** Channels moved elsewhere in the dialplan: "channel → context,exten". */
    public final List<String> redirects = new CopyOnWriteArrayList<>();
    /** AstDB as OneKey and the dialplan left it: "family/key" → value. */
    public final Map<String, String> astdb = new java.util.concurrent.ConcurrentSkipListMap<>();

    /** Waits until call {@code n} (1-based) was placed and no more than that; returns it. */
    public Call await(int n) {
        // 20 s: once, with the suite's unit-test forks and another build on the 2 cores, a redial took over 10 s
        Awaitility.await("call " + n + " placed").atMost(Duration.ofSeconds(20)).until(() -> calls.size() >= n);
        assertThat(calls).as("calls placed").hasSize(n);
        return calls.get(n - 1);
    }

    @Override
    public void originate(String channel, String context, long ringMillis, String callerId, Map<String, String> variables,
                          String actionId) {
        calls.add(new Call(channel, context, Map.copyOf(variables), actionId));
    }

    @Override
    public void originate(String channel, String context, long ringMillis, String callerId, Map<String, String> variables,
                          String actionId, String channelId) {
        originate(channel, context, ringMillis, callerId, variables, actionId);
    }

    @Override
    public void redirect(String channel, String context, String exten) {
        redirects.add(channel + " → " + context + "," + exten);
    }

    @Override
    public void hangup(String channel) {
        throw new UnsupportedOperationException("not used by the outbound services");
    }

    @Override
    public List<LiveChannel> liveChannels(List<String> callerVariables) {
        return new ArrayList<>(live);
    }

    @Override
    public void putSetting(String family, String key, String value) {
        astdb.put(family + "/" + key, value);
    }

    @Override
    public void deleteSetting(String family, String key) {
        astdb.remove(family + "/" + key);
    }

    @Override
    public List<String> settingKeys(String family) {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        astdb.keySet().forEach(k -> {
            if (k.startsWith(family + "/")) {
                out.add(k.substring(family.length() + 1).split("/")[0]);
            }
        });
        return List.copyOf(out);
    }

    @Override
    public java.util.Optional<String> setting(String family, String key) {
        // Asterisk 16's DBGet gives 255 characters at most
        return java.util.Optional.ofNullable(astdb.get(family + "/" + key)).map(v -> v.length() > 255 ? v.substring(0, 255) : v);
    }

    @Override
    public void deleteSettings(String family, String key) {
        astdb.keySet().removeIf(k -> k.equals(family + "/" + key) || k.startsWith(family + "/" + key + "/"));
    }

    @Override
    public void queueAdd(String queue, String iface, String memberName, boolean paused, String reason) {
    }

    @Override
    public void queuePause(String queue, String iface, boolean paused, String reason) {
    }

    @Override
    public void queueRemove(String queue, String iface) {
    }

    @Override
    public List<QueueMember> queueMembers(String queue) {
        return List.of();
    }

    @Override
    public void reloadSip() {
    }
}
