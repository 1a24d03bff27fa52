package org.asteriskjava.manager.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import onekey.telephony.ami.AmiEventFactory;
import org.asteriskjava.manager.event.DisconnectEvent;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.event.ProtocolIdentifierReceivedEvent;
import org.asteriskjava.manager.event.UserEvent;
import org.asteriskjava.manager.internal.backwardsCompatibility.BackwardsCompatibilityForManagerEvents;
import org.asteriskjava.manager.response.ManagerResponse;
import org.asteriskjava.util.DateUtil;
import org.asteriskjava.util.SocketConnectionFacade;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OneKey's reader of the AMI socket (issue 23). It reads the manager protocol as asterisk-java's own reader does (a
 * message is "Name: value" lines up to an empty line; an Event header makes it an event, a Response header a response;
 * the greeting line names the protocol) and dispatches through asterisk-java's event pump, so the connection behaves
 * as before; but the events every call brings are built by {@link AmiEventFactory} (setters looked up once, not per
 * header by reflection and regex), and only the rest by asterisk-java's builder.
 *
 * <p>It lives in asterisk-java's internal package because the connection hands its reader a package-private
 * dispatcher; it uses nothing else of that package but the builders and the pump.
 */
public final class OneKeyManagerReader implements ManagerReader {

    private static final Logger log = LoggerFactory.getLogger(OneKeyManagerReader.class);
    private static final List<String> GREETINGS = List.of("Asterisk Call Manager/", "Asterisk Call Manager Proxy/",
            "Asterisk Manager Proxy/", "OpenPBX Call Manager/", "CallWeaver Call Manager/");

    private final Dispatcher dispatcher;
    private final Object source;
    private final AmiEventFactory fast = new AmiEventFactory();
    private final EventBuilder events = new EventBuilderImpl();
    private final ResponseBuilder responses = new ResponseBuilderImpl();
    private final Map<String, Class<? extends ManagerResponse>> expected = new ConcurrentHashMap<>();
    private final BackwardsCompatibilityForManagerEvents compatibility = new BackwardsCompatibilityForManagerEvents();
    private volatile SocketConnectionFacade socket;
    private volatile boolean die;
    private volatile boolean dead;
    private volatile IOException terminationException;

    public OneKeyManagerReader(Dispatcher dispatcher, Object source) {
        this.dispatcher = dispatcher;
        this.source = source;
    }

    /** Events built by {@link AmiEventFactory} so far, and events left to asterisk-java's builder. */
    public long eventsBuiltFast() {
        return fast.built();
    }

    public long eventsBuiltByAsteriskJava() {
        return fast.passed();
    }

    @Override
    public void setSocket(SocketConnectionFacade socket) {
        this.socket = socket;
    }

    @Override
    public void registerEventClass(Class<? extends ManagerEvent> eventClass) {
        events.registerEventClass(eventClass);
        if (UserEvent.class.isAssignableFrom(eventClass)) {
            fast.register(eventClass);
        }
    }

    @Override
    public void deregisterEventClass(Class<? extends ManagerEvent> eventClass) {
        events.deregisterEventClass(eventClass);
        fast.deregister(eventClass);
    }

    @Override
    public void expectResponseClass(String internalActionId, Class<? extends ManagerResponse> responseClass) {
        expected.put(internalActionId, responseClass);
    }

    @Override
    public void run() {
        SocketConnectionFacade in = socket;
        if (in == null) {
            throw new IllegalStateException("no socket to read from");
        }
        die = false;
        dead = false;
        AsyncEventPump pump = new AsyncEventPump(this, dispatcher, Thread.currentThread().getName());
        Map<String, Object> message = new HashMap<>();
        try {
            String line;
            while (!die && (line = in.readLine()) != null) {
                if (message.isEmpty() && isGreeting(line)) {
                    ProtocolIdentifierReceivedEvent greeting = new ProtocolIdentifierReceivedEvent(source);
                    greeting.setProtocolIdentifier(line);
                    greeting.setDateReceived(DateUtil.getDate());
                    pump.dispatchEvent(greeting, null);
                    continue;
                }
                if (!line.isEmpty()) {
                    if ("Follows".equals(message.get("response")) && line.endsWith("--END COMMAND--")) {
                        message.put(COMMAND_RESULT_RESPONSE_KEY, line); // an old-style command's output, whole
                        continue;
                    }
                    int colon = line.indexOf(':');
                    if (colon >= 0) {
                        String name = line.substring(0, colon).trim().toLowerCase(Locale.ENGLISH);
                        if (!name.isEmpty()) {
                            add(message, name, line.substring(colon + 1).trim());
                        }
                    }
                    continue;
                }
                if (message.containsKey("event")) {
                    ManagerEvent event = buildEvent(message);
                    if (event != null) {
                        pump.dispatchEvent(event, null);
                        ManagerEvent older = compatibility.handleEvent(event);
                        if (older != null) {
                            pump.dispatchEvent(older, null);
                        }
                    }
                } else if (message.containsKey("response")) {
                    ManagerResponse response = buildResponse(message);
                    if (response != null) {
                        pump.dispatchResponse(response, null);
                    }
                } else if (!message.isEmpty()) {
                    log.debug("ami message with neither Event nor Response: {}", message.keySet());
                }
                message = new HashMap<>();
            }
            log.debug("ami socket closed by Asterisk");
        } catch (IOException e) {
            terminationException = e;
            log.info("ami reader ends: {}", e.getMessage());
        } catch (RuntimeException e) {
            terminationException = new IOException(e);
            log.error("ami reader failed", e);
        } finally {
            dead = true;
            DisconnectEvent gone = new DisconnectEvent(source);
            gone.setDateReceived(DateUtil.getDate());
            pump.dispatchEvent(gone, null);
            pump.stop();
        }
    }

    private static boolean isGreeting(String line) {
        for (String g : GREETINGS) {
            if (line.startsWith(g)) {
                return true;
            }
        }
        return false;
    }

    /** A repeated header keeps every value, in order, in a list. */
    @SuppressWarnings("unchecked")
    private static void add(Map<String, Object> message, String name, String value) {
        Object there = message.putIfAbsent(name, value);
        if (there == null) {
            return;
        }
        if (there instanceof List<?> list) {
            ((List<String>) list).add(value);
        } else {
            List<String> values = new ArrayList<>();
            values.add(there.toString());
            values.add(value);
            message.put(name, values);
        }
    }

    private ManagerEvent buildEvent(Map<String, Object> message) {
        ManagerEvent event = fast.build(source, message);
        if (event == null) {
            event = events.buildEvent(source, message);
        }
        if (event != null) {
            event.setDateReceived(DateUtil.getDate());
        }
        return event;
    }

    private ManagerResponse buildResponse(Map<String, Object> message) {
        Class<? extends ManagerResponse> type = null;
        String internal = ManagerUtil.getInternalActionId((String) message.get("actionid"));
        if (internal != null) {
            type = expected.remove(internal);
        }
        ManagerResponse response = responses.buildResponse(type, message);
        if (response != null) {
            response.setDateReceived(DateUtil.getDate());
        }
        return response;
    }

    @Override
    public void die() {
        die = true;
    }

    @Override
    public boolean isDead() {
        return dead;
    }

    @Override
    public IOException getTerminationException() {
        return terminationException;
    }
}
