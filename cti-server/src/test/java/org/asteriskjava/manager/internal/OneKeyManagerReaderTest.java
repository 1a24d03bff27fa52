package org.asteriskjava.manager.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import onekey.telephony.PbxEvent;
import onekey.telephony.ami.AmiEvents;
import org.asteriskjava.manager.event.DisconnectEvent;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.event.ProtocolIdentifierReceivedEvent;
import org.asteriskjava.manager.event.UserEvent;
import org.asteriskjava.manager.response.ManagerResponse;
import org.asteriskjava.util.ReflectionUtil;
import org.asteriskjava.util.SocketConnectionFacade;
import org.junit.jupiter.api.Test;

/**
 * OneKey's AMI reader (issue 23) gives the objects asterisk-java's own reader gives, from the same bytes: real
 * Asterisk 16.28 output of two calls (an SOS and a general-line call answered by a seat, captured from `./onekey demo`)
 * and events of the kinds those calls did not bring (a ring with no answer, an abandoned caller, an overflow, a reply to
 * an Originate). Every getter of every event is compared, and OneKey's translation of each; the events every call
 * brings must have been built by OneKey's factory, not handed back to asterisk-java's builder.
 */
class OneKeyManagerReaderTest {

    @Test
    void twoRealCallsReadAsAsteriskJavaReadsThem() throws Exception {
        Compared c = compare(text("/ami/asterisk16-two-calls.txt"));
        // greeting + login response + 21 events + the disconnect at the end of the text
        assertThat(c.count).isEqualTo(24);
        // everything but FullyBooted is an event every call brings
        assertThat(c.fast.eventsBuiltFast()).isEqualTo(20);
        assertThat(c.fast.eventsBuiltByAsteriskJava()).isEqualTo(1);
        assertThat(c.translated).isEqualTo(20);
        assertThat(c.nonNullValues).as("the comparison saw real values").isGreaterThan(300);
    }

    @Test
    void otherKindsOfEventsReadAsAsteriskJavaReadsThem() throws Exception {
        Compared c = compare(text("/ami/asterisk16-more.txt"));
        // the greeting, 9 events less the user event nobody registered (neither reader dispatches it), 1 response, the disconnect
        assertThat(c.count).isEqualTo(11);
        // ring-no-answer, abandon, talking stop, hangup, complete, OneKeyOverflow, a Local channel's Newchannel, and the
        // OriginateResponse (it answers an action: its ActionID split into asterisk-java's internal id and the action's)
        assertThat(c.fast.eventsBuiltFast()).isEqualTo(8);
        // the unregistered user event goes to asterisk-java
        assertThat(c.fast.eventsBuiltByAsteriskJava()).isEqualTo(1);
        // the seven and the Originate's result
        assertThat(c.translated).isEqualTo(8);
    }

    private record Compared(int count, int nonNullValues, int translated, OneKeyManagerReader fast) {}

    private static Compared compare(String text) throws Exception {
        Recorder theirs = new Recorder();
        Recorder ours = new Recorder();
        ManagerReaderImpl asteriskJava = new ManagerReaderImpl(theirs, "source");
        OneKeyManagerReader oneKey = new OneKeyManagerReader(ours, "source");
        for (Class<? extends UserEvent> c : AmiEvents.USER_EVENTS) {
            asteriskJava.registerEventClass(c);
            oneKey.registerEventClass(c);
        }
        asteriskJava.setSocket(new Lines(text));
        oneKey.setSocket(new Lines(text));
        asteriskJava.run();
        oneKey.run();

        assertThat(ours.got).hasSameSizeAs(theirs.got);
        assertThat(ours.got.getFirst()).isInstanceOf(ProtocolIdentifierReceivedEvent.class);
        assertThat(ours.got.getLast()).isInstanceOf(DisconnectEvent.class);
        int nonNull = 0;
        int translated = 0;
        for (int i = 0; i < ours.got.size(); i++) {
            Object a = theirs.got.get(i);
            Object b = ours.got.get(i);
            assertThat(b.getClass()).as("message %d", i).isEqualTo(a.getClass());
            for (Map.Entry<String, Method> g : ReflectionUtil.getGetters(a.getClass()).entrySet()) {
                if (g.getKey().equals("datereceived") || g.getKey().equals("source") || g.getKey().equals("class")) {
                    continue;
                }
                Object va = g.getValue().invoke(a);
                Object vb = g.getValue().invoke(b);
                assertThat(Objects.deepEquals(va, vb)).as("%s.%s: asterisk-java %s, OneKey %s", a.getClass().getSimpleName(),
                        g.getKey(), va, vb).isTrue();
                if (va != null) {
                    nonNull++;
                }
            }
            if (a instanceof ManagerEvent ea && !(a instanceof DisconnectEvent) && !(a instanceof ProtocolIdentifierReceivedEvent)) {
                PbxEvent pa = AmiEvents.translate(ea);
                PbxEvent pb = AmiEvents.translate((ManagerEvent) b);
                assertThat(pb).isEqualTo(pa);
                if (pa != null) {
                    translated++;
                }
            }
            if (a instanceof ManagerResponse) {
                assertThat(((ManagerResponse) b).getActionId()).isEqualTo(((ManagerResponse) a).getActionId());
            }
        }
        return new Compared(ours.got.size(), nonNull, translated, oneKey);
    }

    private static String text(String resource) throws IOException {
        try (InputStream in = OneKeyManagerReaderTest.class.getResourceAsStream(resource)) {
            return new String(Objects.requireNonNull(in, resource).readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** A dispatcher that keeps what it is given, in order. */
    private static final class Recorder implements Dispatcher {
        final List<Object> got = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void dispatchResponse(ManagerResponse response, Integer requiredHandlingTime) {
            got.add(response);
        }

        @Override
        public void dispatchEvent(ManagerEvent event, Integer requiredHandlingTime) {
            got.add(event);
        }

        @Override
        public void stop() {}
    }

    /** The AMI socket as the readers see it: CRLF-delimited lines, then the end of the stream. */
    private static final class Lines implements SocketConnectionFacade {
        private final Iterator<String> lines;

        Lines(String text) {
            List<String> l = new ArrayList<>(List.of(text.split("\r\n", -1)));
            if (!l.isEmpty() && l.getLast().isEmpty()) {
                l.removeLast();
            }
            lines = l.iterator();
        }

        @Override
        public String readLine() {
            return lines.hasNext() ? lines.next() : null;
        }

        @Override
        public void write(String s) {}

        @Override
        public void flush() {}

        @Override
        public void close() {}

        @Override
        public boolean isConnected() {
            return true;
        }

        @Override
        public InetAddress getLocalAddress() {
            return InetAddress.getLoopbackAddress();
        }

        @Override
        public int getLocalPort() {
            return 0;
        }

        @Override
        public InetAddress getRemoteAddress() {
            return InetAddress.getLoopbackAddress();
        }

        @Override
        public int getRemotePort() {
            return 5038;
        }
    }
}
