package onekey.telephony.ami;

import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.asteriskjava.manager.AsteriskMapping;
import org.asteriskjava.manager.event.AgentCalledEvent;
import org.asteriskjava.manager.event.AgentCompleteEvent;
import org.asteriskjava.manager.event.AgentConnectEvent;
import org.asteriskjava.manager.event.AgentRingNoAnswerEvent;
import org.asteriskjava.manager.event.ChannelTalkingStartEvent;
import org.asteriskjava.manager.event.ChannelTalkingStopEvent;
import org.asteriskjava.manager.event.HangupEvent;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.event.NewChannelEvent;
import org.asteriskjava.manager.event.OriginateResponseEvent;
import org.asteriskjava.manager.event.QueueCallerAbandonEvent;
import org.asteriskjava.manager.event.QueueCallerJoinEvent;
import org.asteriskjava.manager.event.ResponseEvent;
import org.asteriskjava.manager.event.UserEvent;
import org.asteriskjava.manager.internal.ManagerUtil;
import org.asteriskjava.util.AstUtil;
import org.asteriskjava.util.ReflectionUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the AMI events every call brings (about ten a call: Newchannel, QueueCallerJoin, AgentCalled, AgentConnect,
 * Hangup, the dialplan's UserEvents ...) without asterisk-java's per-attribute reflection (issue 23: its reader spent
 * ~2 ms of CPU a call building them, a regex and a reflective setter lookup for each of an event's 20–35 headers).
 *
 * <p>The result is the object asterisk-java's own builder makes from the same headers: the same class, the same
 * setters chosen by the same names (header lower-cased, characters other than letters and digits left out,
 * {@code source}/{@code class} renamed), the same conversions (Asterisk's null words such as {@code <unknown>} to null,
 * repeated headers joined by new lines, numbers parsed, an empty number null). What differs is that each class's
 * setters are looked up once per header name and kept as lambdas (LambdaMetafactory: a plain call per header, neither
 * a method handle nor a reflective call). An event it does not know, an event answering an action (it carries an
 * ActionID) that is not a ResponseEvent, or a header whose setter takes a type it does not convert gives null: the
 * caller then builds that event with asterisk-java's builder, as before. A ResponseEvent's ActionID is split as
 * asterisk-java's builder splits it (its internal id and the action's own).
 */
public final class AmiEventFactory {

    private static final Logger log = LoggerFactory.getLogger(AmiEventFactory.class);

    /** The events every inbound call brings, built here; any other event goes to asterisk-java's builder. */
    static final List<Class<? extends ManagerEvent>> CALL_EVENTS = List.of(NewChannelEvent.class, HangupEvent.class,
            QueueCallerJoinEvent.class, QueueCallerAbandonEvent.class, AgentCalledEvent.class, AgentConnectEvent.class,
            AgentCompleteEvent.class, AgentRingNoAnswerEvent.class, ChannelTalkingStartEvent.class,
            ChannelTalkingStopEvent.class, OriginateResponseEvent.class);

    /** Per event class, once per JVM: its constructor and, per header name seen, its setter. */
    private static final Map<Class<?>, Plan> PLANS = new ConcurrentHashMap<>();

    /** Event name (lower case; "userevent" + the user event's name) → its plan; this connection's registrations. */
    private final Map<String, Plan> byName = new ConcurrentHashMap<>();
    private final AtomicLong built = new AtomicLong();
    private final AtomicLong passed = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    public AmiEventFactory() {
        CALL_EVENTS.forEach(this::register);
        AmiEvents.USER_EVENTS.forEach(this::register);
    }

    /** Builds {@code c}'s events here from now on (asterisk-java's naming: the class's name less "Event"). */
    public void register(Class<? extends ManagerEvent> c) {
        if (Modifier.isAbstract(c.getModifiers())) {
            throw new IllegalArgumentException(c + " is abstract");
        }
        byName.put(eventName(c), PLANS.computeIfAbsent(c, Plan::new));
    }

    public void deregister(Class<? extends ManagerEvent> c) {
        byName.remove(eventName(c));
    }

    /** Events built here, and events handed back to asterisk-java's builder (for /api/health and the tests). */
    public long built() {
        return built.get();
    }

    public long passed() {
        return passed.get();
    }

    /**
     * The event these headers (keys lower case, as the reader gathers them; a repeated header's values in a list)
     * make, or null when asterisk-java's builder is to build it.
     */
    public ManagerEvent build(Object source, Map<String, Object> headers) {
        try {
            return buildHere(source, headers);
        } catch (RuntimeException e) {
            // never the reader's end: asterisk-java's builder builds it, as before this factory
            passed.incrementAndGet();
            if (failures.getAndIncrement() == 0) {
                log.error("ami event {} not built by OneKey's factory; asterisk-java's builder builds such events",
                        headers.get("event"), e);
            }
            return null;
        }
    }

    private ManagerEvent buildHere(Object source, Map<String, Object> headers) {
        Plan plan = plan(headers);
        // an answer to an action (it carries an ActionID) is built here when it is a ResponseEvent (an outbound call's
        // OriginateResponse: one a broadcast call), with the ActionID split as asterisk-java's builder splits it
        boolean answer = headers.containsKey("actionid");
        if (plan == null || answer && !plan.response) {
            passed.incrementAndGet();
            return null;
        }
        ManagerEvent event = plan.create(source);
        for (Map.Entry<String, Object> h : headers.entrySet()) {
            String name = h.getKey();
            if (name.equals("event")) {
                continue;
            }
            Setter s = plan.setter(name);
            if (s == Setter.NONE) {
                continue;
            }
            if (s.kind == Kind.OTHER) {
                passed.incrementAndGet();
                return null; // a map or an enum: asterisk-java's builder converts those
            }
            s.set(event, h.getValue());
        }
        if (event instanceof ResponseEvent r && r.getActionId() != null) {
            String id = r.getActionId();
            r.setActionId(ManagerUtil.stripInternalActionId(id));
            r.setInternalActionId(ManagerUtil.getInternalActionId(id));
        }
        built.incrementAndGet();
        return event;
    }

    private Plan plan(Map<String, Object> headers) {
        if (!(headers.get("event") instanceof String name)) {
            return null; // a list of PeerEntry events, or no name
        }
        String type = name.toLowerCase(Locale.ENGLISH);
        if (type.equals("userevent")) {
            if (!(headers.get("userevent") instanceof String user)) {
                return null;
            }
            type = type + user.toLowerCase(Locale.ENGLISH);
        }
        return byName.get(type);
    }

    /** asterisk-java's name for an event class: its mapping, else its simple name less "Event"; user events prefixed. */
    static String eventName(Class<? extends ManagerEvent> c) {
        AsteriskMapping mapping = c.getAnnotation(AsteriskMapping.class);
        String name;
        if (mapping != null) {
            name = mapping.value().toLowerCase(Locale.ENGLISH);
        } else {
            name = c.getSimpleName().toLowerCase(Locale.ENGLISH);
            if (name.endsWith("event")) {
                name = name.substring(0, name.length() - "event".length());
            }
        }
        if (UserEvent.class.isAssignableFrom(c) && !name.startsWith("userevent")) {
            name = "userevent" + name;
        }
        return name;
    }

    private enum Kind { STRING, BOOLEAN, INTEGER, LONG, DOUBLE, OTHER }

    /** One header's setter on one event class, with the conversion its parameter type needs. */
    private static final class Setter {
        static final Setter NONE = new Setter(null, Kind.OTHER, null);

        /** The setter as a plain call (a lambda made by LambdaMetafactory): no method handle invoked per header. */
        final BiConsumer<Object, Object> handle;
        final Kind kind;
        final String header;

        Setter(BiConsumer<Object, Object> handle, Kind kind, String header) {
            this.handle = handle;
            this.kind = kind;
            this.header = header;
        }

        void set(ManagerEvent event, Object raw) {
            if (raw != null && !(raw instanceof String) && kind != Kind.STRING && kind != Kind.BOOLEAN) {
                return; // a repeated numeric header: asterisk-java's builder leaves it unset too
            }
            Object value;
            try {
                value = switch (kind) {
                    case STRING -> text(raw);
                    case BOOLEAN -> AstUtil.isTrue(raw);
                    case INTEGER -> raw instanceof String s && !s.isEmpty() ? Integer.valueOf(s) : null;
                    case LONG -> raw instanceof String s && !s.isEmpty() ? Long.valueOf(s) : null;
                    case DOUBLE -> raw instanceof String s && !s.isEmpty() ? Double.valueOf(s) : null;
                    case OTHER -> throw new IllegalStateException("not converted here");
                };
            } catch (NumberFormatException | ClassCastException e) {
                log.debug("ami header {}={} on {} not set: {}", header, raw, event.getClass().getSimpleName(), e.toString());
                return;
            }
            try {
                handle.accept(event, value);
            } catch (RuntimeException e) {
                // a primitive setter given an empty value: asterisk-java's builder leaves the field unset too
                log.debug("ami header {}={} on {} not set: {}", header, raw, event.getClass().getSimpleName(), e.toString());
            }
        }

        /** A header's text: Asterisk's null words (null, &lt;unknown&gt;, ...) are null; repeated lines joined. */
        @SuppressWarnings("unchecked")
        private static Object text(Object raw) {
            if (AstUtil.isNull(raw)) {
                return null;
            }
            if (raw instanceof List<?> lines) {
                StringBuilder b = new StringBuilder();
                for (String l : (List<String>) lines) {
                    if (l != null && !l.isEmpty()) {
                        b.append(l).append('\n');
                    }
                }
                return b.toString();
            }
            return raw;
        }
    }

    /** An event class: its constructor and the setters found so far by header name. */
    private static final class Plan {
        private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();
        private static final MethodType ACCEPT = MethodType.methodType(void.class, Object.class, Object.class);

        final Class<?> type;
        /** A ResponseEvent: an answer to an action, its ActionID split into asterisk-java's internal id and the action's. */
        final boolean response;
        final Function<Object, Object> constructor;
        final Map<String, Method> setters;
        final Map<String, Setter> byHeader = new ConcurrentHashMap<>();

        Plan(Class<?> type) {
            this.type = type;
            this.response = ResponseEvent.class.isAssignableFrom(type);
            try {
                MethodHandle c = LOOKUP.findConstructor(type, MethodType.methodType(void.class, Object.class));
                @SuppressWarnings("unchecked")
                Function<Object, Object> f = (Function<Object, Object>) LambdaMetafactory.metafactory(LOOKUP, "apply",
                        MethodType.methodType(Function.class), MethodType.methodType(Object.class, Object.class), c,
                        MethodType.methodType(type, Object.class)).getTarget().invoke();
                this.constructor = f;
            } catch (Throwable e) {
                throw new IllegalArgumentException(type + " has no public constructor taking the event's source", e);
            }
            this.setters = ReflectionUtil.getSetters(type);
        }

        ManagerEvent create(Object source) {
            return (ManagerEvent) constructor.apply(source);
        }

        Setter setter(String header) {
            Setter s = byHeader.get(header);
            return s != null ? s : byHeader.computeIfAbsent(header, this::find);
        }

        private Setter find(String header) {
            String name = ReflectionUtil.stripIllegalCharacters(header);
            if (name.equals("source")) {
                name = "src";
            } else if (name.equals("class")) {
                name = "clazz";
            }
            Method m = setters.get(name);
            if (m == null && !name.endsWith("s") && setters.get(name + "s") != null) {
                return new Setter(null, Kind.OTHER, header); // asterisk-java's plural map headers (Variable → setVariables)
            }
            if (m == null) {
                return Setter.NONE;
            }
            Class<?> p = m.getParameterTypes()[0];
            Kind kind;
            if (p == Boolean.class) {
                kind = Kind.BOOLEAN;
            } else if (p.isAssignableFrom(String.class)) {
                kind = Kind.STRING;
            } else if (p == Map.class) {
                kind = Kind.OTHER;
            } else if (p == double.class || p == Double.class) {
                kind = Kind.DOUBLE;
            } else if (p == long.class || p == Long.class) {
                kind = Kind.LONG;
            } else if (p == int.class || p == Integer.class) {
                kind = Kind.INTEGER;
            } else {
                kind = Kind.OTHER;
            }
            if (kind == Kind.OTHER) {
                return new Setter(null, Kind.OTHER, header);
            }
            try {
                MethodHandle target = LOOKUP.unreflect(m);
                Class<?> value = p.isPrimitive() ? MethodType.methodType(p).wrap().returnType() : p;
                @SuppressWarnings("unchecked")
                BiConsumer<Object, Object> set = (BiConsumer<Object, Object>) LambdaMetafactory.metafactory(LOOKUP, "accept",
                        MethodType.methodType(BiConsumer.class), ACCEPT, target,
                        MethodType.methodType(void.class, m.getDeclaringClass(), value)).getTarget().invoke();
                return new Setter(set, kind, header);
            } catch (Throwable e) {
                log.debug("ami header {} on {}: no lambda for {}: {}", header, type.getSimpleName(), m, e.toString());
                return new Setter(null, Kind.OTHER, header);
            }
        }
    }
}
