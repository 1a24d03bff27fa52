package onekey.telephony.ami;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import onekey.testkit.Repo;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.event.ResponseEvent;
import org.asteriskjava.manager.event.UserEvent;
import org.junit.jupiter.api.Test;

/**
 * manager.conf's {@code eventfilter} (issue 23) lets through every AMI event the cti-server reads: each asterisk-java
 * event class named anywhere in its sources (replies to actions and asterisk-java's own connect/disconnect events
 * excepted), and the dialplan's UserEvents; and keeps back the chatty events OneKey never reads.
 */
class AmiEventFilterTest {

    /** asterisk-java's own events (not sent by Asterisk) and the base classes. */
    static final Set<String> NOT_FROM_ASTERISK = Set.of("ManagerEvent", "ConnectEvent", "DisconnectEvent",
            "ProtocolIdentifierReceivedEvent", "ResponseEvent",
            "AbstractChannelEvent", "AbstractQueueMemberEvent", "AbstractAgentEvent");

    @Test
    void everyEventTheServerReadsPassesTheFilter() throws Exception {
        String filter = filter();
        Pattern asterisk = posix(filter);
        List<String> names = names(filter);
        Set<String> read = eventClassesInSources();
        assertThat(read).as("the sources name AMI event classes").contains("HangupEvent", "AgentCalledEvent", "UserEvent");
        for (String simple : read) {
            if (NOT_FROM_ASTERISK.contains(simple)) {
                continue;
            }
            Class<?> c = Class.forName("org.asteriskjava.manager.event." + simple);
            if (ResponseEvent.class.isAssignableFrom(c) || !ManagerEvent.class.isAssignableFrom(c)) {
                continue; // a reply to an action (QueueMember, CoreShowChannel ...): never filtered
            }
            String stem = UserEvent.class.isAssignableFrom(c) ? "UserEvent" : simple.substring(0, simple.length() - "Event".length());
            String name = names.stream().filter(n -> n.equalsIgnoreCase(stem)).findFirst().orElseThrow(() -> new AssertionError(
                    simple + " is read by the cti-server but its event is not in manager.conf's eventfilter: add it there"));
            assertThat(asterisk.matcher("Event: " + name + "\r\nPrivilege: call,all\r\n").find()).as(name).isTrue();
        }
        for (Class<?> user : AmiEvents.USER_EVENTS) {
            assertThat(UserEvent.class.isAssignableFrom(user)).isTrue();
        }
        assertThat(asterisk.matcher("Event: UserEvent\r\nPrivilege: user,all\r\nUserEvent: OneKeyQueue\r\n").find()).isTrue();
        assertThat(asterisk.matcher("Event: FullyBooted\r\n").find()).isTrue();
    }

    /** Replies to OneKey's own actions carry its ActionID and always pass: the resync reads the live calls from them. */
    @Test
    void repliesToOneKeysActionsPass() throws Exception {
        List<Pattern> all = allFilters();
        for (String reply : List.of("CoreShowChannel", "CoreShowChannelsComplete", "QueueParams", "QueueMember", "QueueEntry",
                "QueueStatusComplete", "OriginateResponse")) {
            String event = "Event: " + reply + "\r\nActionID: okstep-12\r\nChannel: PJSIP/trunk-00000001\r\n";
            assertThat(all.stream().anyMatch(p -> p.matcher(event).find())).as(reply).isTrue();
        }
        // unsolicited events carry no ActionID: not let through by the replies' filter
        String newstate = "Event: Newstate\r\nPrivilege: call,all\r\nChannel: PJSIP/trunk-00000001\r\n";
        assertThat(all.stream().anyMatch(p -> p.matcher(newstate).find())).isFalse();
    }

    @Test
    void eventsNobodyReadsAreKeptBack() throws Exception {
        Pattern asterisk = posix(filter());
        for (String name : List.of("Newstate", "HangupRequest", "SoftHangupRequest", "VarSet", "Newexten", "DialBegin", "DialEnd",
                "BridgeEnter", "BridgeLeave", "BridgeCreate", "MusicOnHoldStart", "QueueMemberStatus", "QueueCallerLeave",
                "RTCPSent", "DeviceStateChange", "NewConnectedLine", "NewCallerid", "HangupHandlerPush")) {
            assertThat(asterisk.matcher("Event: " + name + "\r\nPrivilege: call,all\r\n").find()).as(name).isFalse();
        }
        // a name inside another event's body does not let that event through
        assertThat(asterisk.matcher("Event: VarSet\r\nVariable: Hangup\r\nValue: Event: Hangup\r\n").find()).isFalse();
    }

    /** The eventfilter lines of the OneKey user in the manager.conf template: the names, then the replies. */
    static List<String> filterLines() throws IOException {
        List<String> lines = Files.readAllLines(Repo.asteriskConfig().resolve("templates/manager.conf")).stream()
                .filter(l -> l.startsWith("eventfilter")).map(l -> l.substring(l.indexOf('=') + 1).trim()).toList();
        assertThat(lines).hasSize(2);
        return lines;
    }

    /** The allow-list of event names (the first eventfilter). */
    static String filter() throws IOException {
        return filterLines().get(0);
    }

    static List<Pattern> allFilters() throws IOException {
        return filterLines().stream().map(AmiEventFilterTest::posix).toList();
    }

    /** The names in the filter's alternation "^Event: (A|B|...)". */
    static List<String> names(String filter) {
        Matcher m = Pattern.compile("\\(([^)]*)\\)").matcher(filter);
        assertThat(m.find()).as("an alternation in " + filter).isTrue();
        return List.of(m.group(1).split("\\|"));
    }

    /** POSIX ERE as Asterisk's regcomp reads it, for this filter's few constructs, in Java; MULTILINE off (^ = start). */
    static Pattern posix(String ere) {
        return Pattern.compile(ere.replace("[[:space:]]", "\\s"));
    }

    /** Simple names of org.asteriskjava.manager.event classes named in the cti-server's main sources. */
    static Set<String> eventClassesInSources() throws IOException {
        Path main = Repo.root().resolve("cti-server/src/main/java");
        Pattern ref = Pattern.compile("org\\.asteriskjava\\.manager\\.event\\.([A-Z][A-Za-z0-9]*)");
        Set<String> found = new TreeSet<>();
        try (Stream<Path> files = Files.walk(main)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = ref.matcher(Files.readString(f));
                while (m.find()) {
                    found.add(m.group(1));
                }
            }
        }
        return found;
    }
}
