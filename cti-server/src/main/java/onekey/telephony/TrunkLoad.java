package onekey.telephony;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many channels the trunk carries right now, counted from the PBX's own channels: every channel of the trunk's
 * endpoint ({@code PJSIP/trunk-…}), whoever made it — an elder's inbound call, a rescue redial, a call to 110 from
 * the pop, a voice broadcast. Outbound work that can wait (broadcasts) asks it so that the trunk always keeps
 * room for SOS (issue 9, "per-trunk limits … that always leave room for SOS").
 *
 * <p>Fed on the AMI dispatcher thread: {@link #onEvent} with every event, {@link #resync} with the live channels
 * after each (re)connect (events missed while disconnected are not guessed). {@link #busy()} may be read from any
 * thread.
 */
public final class TrunkLoad {

    private final String prefix;
    private final Set<String> live = ConcurrentHashMap.newKeySet();

    /** @param device the trunk's channel device, e.g. "PJSIP/trunk" */
    public TrunkLoad(String device) {
        this.prefix = device + "-";
    }

    public void onEvent(PbxEvent e) {
        switch (e) {
            case PbxEvent.ChannelCreated c when c.channel() != null && c.channel().startsWith(prefix) -> live.add(c.uniqueid());
            case PbxEvent.ChannelHungUp h when h.uniqueid() != null -> live.remove(h.uniqueid());
            default -> { }
        }
    }

    /** Replaces the count with the PBX's own list (after a connect). */
    public void resync(List<LiveChannel> channels) {
        Set<String> now = ConcurrentHashMap.newKeySet();
        for (LiveChannel c : channels) {
            if (c.channel() != null && c.channel().startsWith(prefix) && c.uniqueid() != null) {
                now.add(c.uniqueid());
            }
        }
        live.retainAll(now);
        live.addAll(now);
    }

    /** Trunk channels up now whose uniqueid does not start with {@code prefix} (e.g. other work than one's own). */
    public int busyExcept(String prefix) {
        return busyExcept(java.util.Set.of(prefix));
    }

    /** Trunk channels up now whose uniqueid starts with none of {@code prefixes}. */
    public int busyExcept(java.util.Set<String> prefixes) {
        int n = 0;
        for (String u : live) {
            if (prefixes.stream().noneMatch(u::startsWith)) {
                n++;
            }
        }
        return n;
    }

    /** Trunk channels up now. */
    public int busy() {
        return live.size();
    }
}
