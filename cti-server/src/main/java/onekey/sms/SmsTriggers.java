package onekey.sms;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import onekey.broadcast.Broadcast;
import onekey.broadcast.BroadcastEvents;
import onekey.calls.CallEvents;
import onekey.elders.Contact;
import onekey.elders.Elder;
import onekey.elders.ElderRepository;
import onekey.elders.PhoneNumbers;
import onekey.events.Event;
import onekey.events.EventHub;
import onekey.rescue.Incident;
import onekey.rescue.RescueEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When texts go out by themselves (issue 20), read from the typed events, each trigger on or off
 * ({@code sms.triggers}): "sos-call" (an SOS call from a registered elder queued), "incident-opened",
 * "incident-escalated" (no contact acknowledged, 110 next), "incident-ended" (responders arrived, or cancelled) → the
 * elder's contacts whose record wants texts ({@link Contact#wantsTexts()}), in the contact's language, with what
 * happened, the address and the centre's number; "booking" (a booking confirmed by voice, or failed) → the elder's
 * mobile and the same contacts. Each text has an idempotence key (a replayed event texts nobody twice).
 *
 * <p>Texts are written on a thread of this class, never the publisher's: the call path does not wait on SMS.
 */
public final class SmsTriggers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SmsTriggers.class);

    private final SmsService sms;
    private final ElderRepository elders;
    private final Set<String> on;
    private final String centre;
    private final String areaCode;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("sms-triggers").factory());
    private EventHub.Subscription sub;

    public SmsTriggers(SmsService sms, ElderRepository elders, Set<String> triggers, String centreNumber, String areaCode) {
        this.areaCode = areaCode;
        this.sms = sms;
        this.elders = elders;
        this.on = Set.copyOf(triggers);
        this.centre = centreNumber;
    }

    public synchronized SmsTriggers start(EventHub hub) {
        if (sub == null && sms.enabled()) {
            // every event: an incident's events go to its agent (the supervisors see them too), not as broadcasts
            sub = hub.subscribe(id -> true, true, -1, this::onEvent);
        }
        return this;
    }

    private void onEvent(Event e) {
        switch (e.event()) {
            case CallEvents.Queued q when on.contains("sos-call") && q.call().line() == onekey.lines.Service.SOS ->
                    later(() -> sosCall(q.call()));
            case RescueEvents.IncidentOpened o when on.contains("incident-opened") -> later(() -> incident(o.incident(), "incident-opened"));
            case RescueEvents.IncidentEscalated x when on.contains("incident-escalated") ->
                    later(() -> incident(x.incident(), "incident-escalated"));
            case RescueEvents.IncidentResolved r when on.contains("incident-ended") -> later(() -> incident(r.incident(), "incident-resolved"));
            case RescueEvents.IncidentCancelled c when on.contains("incident-ended") -> later(() -> incident(c.incident(), "incident-cancelled"));
            case BroadcastEvents.Confirmed b when on.contains("booking") && "booking".equals(b.broadcast().kind()) ->
                    later(() -> booking(b.broadcast(), "booking-confirmed"));
            case BroadcastEvents.Failed b when on.contains("booking") && "booking".equals(b.broadcast().kind()) ->
                    later(() -> booking(b.broadcast(), "booking-failed"));
            default -> { }
        }
    }

    private void later(Runnable r) {
        worker.execute(() -> {
            try {
                r.run();
            } catch (RuntimeException ex) {
                log.error("sms.trigger-failed error={}", ex.toString());
            }
        });
    }

    /** An SOS call queued: the caller's elder (known to the call, or found by the caller's number) → the contacts. */
    private void sosCall(onekey.calls.CallRecord call) {
        Long elderId = call.elderId();
        if (elderId == null) {
            String n = PhoneNumbers.normalize(call.callerNumber(), areaCode);
            elderId = n == null ? null : elders.findByPhone(n).map(Elder::id).orElse(null);
        }
        if (elderId != null) {
            toContacts(elderId, null, "sos-call", "call:" + call.linkedid(), Map.of());
        }
    }

    private void incident(Incident inc, String template) {
        if (inc.elderId() == null) {
            return; // an unregistered caller: no contacts known
        }
        Map<String, String> values = new LinkedHashMap<>();
        values.put("outcome", inc.outcome() == null ? "" : inc.outcome());
        toContacts(inc.elderId(), inc.id(), template, "incident:" + inc.id() + ":" + template, values);
    }

    /** The texts for one event to the elder's contacts that want texts; the number of texts written. */
    int toContacts(long elderId, Long incidentId, String template, String ref, Map<String, String> extra) {
        Elder e = elders.get(elderId).orElse(null);
        if (e == null || e.contacts() == null) {
            return 0;
        }
        int n = 0;
        for (Contact c : e.contacts()) {
            if (c.phone() == null || !c.wantsTexts() || !PhoneNumbers.plausible(c.phone())) {
                continue;
            }
            String lang = SmsService.languageOf(c);
            String text = SmsTemplates.render(template, lang, values(e, extra));
            if (sms.send(c.phone(), text, template, new SmsService.Refs(elderId, incidentId, template, lang, ref, null))
                    .isPresent()) {
                n++;
            }
        }
        return n;
    }

    private void booking(Broadcast b, String template) {
        Elder e = elders.get(b.elderId()).orElse(null);
        if (e == null) {
            return;
        }
        Map<String, String> extra = Map.of("message", b.message() == null ? "" : b.message());
        String ref = "broadcast:" + b.id() + ":" + template;
        List<String> mobiles = new ArrayList<>();
        for (String p : e.phones()) {
            if (PhoneNumbers.isMobile(p)) {
                mobiles.add(p);
            }
        }
        String lang = "en".equals(e.language()) ? "en" : "zh";
        for (String p : mobiles.stream().limit(1).toList()) {
            sms.send(p, SmsTemplates.render(template, lang, values(e, extra)), template,
                    new SmsService.Refs(e.id(), null, template, lang, ref, null));
        }
        toContacts(e.id(), null, template, ref, extra);
    }

    private Map<String, String> values(Elder e, Map<String, String> extra) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("elder", e.name());
        v.put("address", e.address() == null ? "—" : e.address());
        v.put("centre", centre);
        v.putAll(extra);
        return v;
    }

    @Override
    public synchronized void close() {
        if (sub != null) {
            sub.close();
            sub = null;
        }
        worker.shutdownNow();
    }
}
