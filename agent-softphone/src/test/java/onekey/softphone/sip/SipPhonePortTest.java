package onekey.softphone.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;
import onekey.softphone.audio.Audio;
import org.junit.jupiter.api.Test;

/**
 * A phone's SIP port is found free and then bound: another program can take it in between (SipPhoneIT once failed so
 * in a fresh clone, with other forks' Asterisks and phones binding ports). The phone takes another port.
 */
class SipPhonePortTest {

    @Test
    void aPortTakenBetweenItsChoiceAndItsBindIsGivenUpForAnother() throws Exception {
        ToIntFunction<String> free = SipPhone.portChooser;
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            AtomicInteger asked = new AtomicInteger();
            SipPhone.portChooser = host -> asked.incrementAndGet() <= 2 ? taken.getLocalPort() : free.applyAsInt(host);
            try (SipPhone phone = new SipPhone(new SipPhone.Settings("127.0.0.1", "127.0.0.1", 9, "1003", null),
                    new Audio.Silence(), new Audio.NoSink(), null).start()) {
                assertEquals(3, asked.get(), "two taken ports, then a free one");
                assertNotEquals(taken.getLocalPort(), phone.localPort());
                assertTrue(phone.localPort() > 0);
            }
        } finally {
            SipPhone.portChooser = free;
        }
    }

    /**
     * JAIN-SIP's UDP processor makes its list of channel threads on its own thread after the start: a phone closed
     * right after its start met it unmade (NullPointerException) or being filled (ConcurrentModificationException) —
     * twice in fresh clones. Closing still stops the phone.
     */
    @Test
    void aPhoneClosedRightAfterItsStartClosesWithoutAnError() throws Exception {
        for (int i = 0; i < 40; i++) {
            SipPhone phone = new SipPhone(new SipPhone.Settings("127.0.0.1", "127.0.0.1", 9, "1005", null),
                    new Audio.Silence(), new Audio.NoSink(), null).start();
            int port = phone.localPort();
            phone.close();
            try (DatagramSocket again = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
                assertEquals(port, again.getLocalPort(), "the phone's port is free after its close");
            }
        }
    }

    @Test
    void aPortTakenEveryTimeIsAnErrorAfterAFewTries() throws Exception {
        ToIntFunction<String> free = SipPhone.portChooser;
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            AtomicInteger asked = new AtomicInteger();
            SipPhone.portChooser = host -> {
                asked.incrementAndGet();
                return taken.getLocalPort();
            };
            SipPhone phone = new SipPhone(new SipPhone.Settings("127.0.0.1", "127.0.0.1", 9, "1004", null),
                    new Audio.Silence(), new Audio.NoSink(), null);
            IOException e = assertThrows(IOException.class, phone::start);
            assertTrue(e.getMessage().contains("cannot start the SIP stack"), e.getMessage());
            assertEquals(SipPhone.BIND_ATTEMPTS, asked.get());
            phone.close();
        } finally {
            SipPhone.portChooser = free;
        }
    }
}
