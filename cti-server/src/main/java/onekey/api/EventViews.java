package onekey.api;

import static java.util.Map.entry;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import onekey.agents.AgentEvents;
import onekey.alerts.AlertEvents;
import onekey.broadcast.BroadcastEvents;
import onekey.broadcast.BroadcastService;
import onekey.calls.CallEvents;
import onekey.calls.CallRecord;
import onekey.devices.DeviceEvents;
import onekey.events.DomainEvent;
import onekey.events.Event;
import onekey.notices.NoticeEvents;
import onekey.orders.OrderEvents;
import onekey.qa.QaEvents;
import onekey.recording.RecordingEvents;
import onekey.recording.RecordingsDiskWatch;
import onekey.rescue.RescueEvents;
import onekey.rescue.RescueService;
import onekey.supervision.SpyEvents;

/**
 * The one catalogue of WebSocket events: each feature's event records, their wire names ({@link #TYPES}) and their
 * JSON views (the view records below, one per body shape). docs/api.md's event list is checked against it
 * ({@code EventCatalogueTest}). A frame is {@code {"type","seq","at", ...view}}, encoded once per event
 * ({@link #frame}).
 */
public final class EventViews {

    private EventViews() {
    }

    /** The sealed event family of every feature that publishes. */
    public static final List<Class<? extends DomainEvent>> FEATURES = List.of(CallEvents.class, AgentEvents.class,
            RescueEvents.class, BroadcastEvents.class, SpyEvents.class, RecordingEvents.class, AlertEvents.class,
            NoticeEvents.class, QaEvents.class, DeviceEvents.class, onekey.sms.SmsEvents.class, OrderEvents.class,
            onekey.reports.ReportEvents.class);

    /** Wire name of each event record. Several supervisors' alerts share {@code queue.alert} / {@code system.alert}. */
    public static final Map<Class<? extends DomainEvent>, String> TYPES = Map.ofEntries(
            entry(CallEvents.Queued.class, "call.queued"),
            entry(CallEvents.Offered.class, "call.offered"),
            entry(CallEvents.Answered.class, "call.answered"),
            entry(CallEvents.Ended.class, "call.ended"),
            entry(CallEvents.Finished.class, "call.finished"),
            entry(CallEvents.NoAgentReady.class, "queue.alert"),
            entry(CallEvents.Overflow.class, "queue.alert"),
            entry(CallEvents.ConferenceAlone.class, "queue.alert"),
            entry(AgentEvents.StateChanged.class, "agent.state"),
            entry(RescueEvents.IncidentOpened.class, "incident.opened"),
            entry(RescueEvents.IncidentUpdated.class, "incident.updated"),
            entry(RescueEvents.IncidentStep.class, "incident.step"),
            entry(RescueEvents.IncidentResolved.class, "incident.resolved"),
            entry(RescueEvents.IncidentEscalated.class, "incident.escalated"),
            entry(RescueEvents.IncidentTask.class, "incident.task"),
            entry(RescueEvents.IncidentCancelled.class, "incident.cancelled"),
            entry(RescueEvents.TaskAssigned.class, "incident.task"),
            entry(RescueEvents.EscalatedAlert.class, "queue.alert"),
            entry(RescueEvents.TaskAlert.class, "queue.alert"),
            entry(RescueEvents.TaskNotTaken.class, "queue.alert"),
            entry(RescueEvents.FollowUpOverdue.class, "queue.alert"),
            entry(RescueEvents.EmergencyAlert.class, "queue.alert"),
            entry(RescueEvents.FollowUpPlanned.class, "follow-up.planned"),
            entry(RescueEvents.FollowUpUpdated.class, "follow-up.updated"),
            entry(RescueEvents.CallSilent.class, "call.silent"),
            entry(BroadcastEvents.Scheduled.class, "broadcast.scheduled"),
            entry(BroadcastEvents.Cancelled.class, "broadcast.cancelled"),
            entry(BroadcastEvents.Updated.class, "broadcast.updated"),
            entry(BroadcastEvents.Calling.class, "broadcast.calling"),
            entry(BroadcastEvents.Confirmed.class, "broadcast.confirmed"),
            entry(BroadcastEvents.Transferred.class, "broadcast.transferred"),
            entry(BroadcastEvents.Attempt.class, "broadcast.attempt"),
            entry(BroadcastEvents.Failed.class, "broadcast.failed"),
            entry(BroadcastEvents.TaskDone.class, "broadcast.task-done"),
            entry(BroadcastEvents.FailedAlert.class, "queue.alert"),
            entry(SpyEvents.Started.class, "spy.started"),
            entry(SpyEvents.ModeChanged.class, "spy.mode"),
            entry(SpyEvents.Ended.class, "spy.ended"),
            entry(RecordingEvents.RecordingMissing.class, "system.alert"),
            entry(RecordingEvents.DiskLow.class, "system.alert"),
            entry(AlertEvents.Raised.class, "alert.raised"),
            entry(AlertEvents.Acked.class, "alert.ack"),
            entry(NoticeEvents.Posted.class, "notice.posted"),
            entry(NoticeEvents.Acked.class, "notice.acked"),
            entry(QaEvents.Scored.class, "qa.scored"),
            entry(QaEvents.Acked.class, "qa.acked"),
            entry(DeviceEvents.Registered.class, "device.registered"),
            entry(DeviceEvents.TestMode.class, "device.test-mode"),
            entry(DeviceEvents.Tested.class, "device.tested"),
            entry(DeviceEvents.Silent.class, "system.alert"),
            entry(DeviceEvents.AlarmRaised.class, "device.alarm"),
            entry(DeviceEvents.AlarmRecorded.class, "device.alarm-recorded"),
            entry(onekey.sms.SmsEvents.Changed.class, "sms.message"),
            entry(onekey.sms.SmsEvents.Replied.class, "sms.reply"),
            entry(onekey.sms.SmsEvents.LinkDown.class, "system.alert"),
            entry(OrderEvents.Created.class, "order.created"),
            entry(OrderEvents.Updated.class, "order.updated"),
            entry(OrderEvents.Offered.class, "order.offered"),
            entry(OrderEvents.Failed.class, "order.failed"),
            entry(OrderEvents.Complaint.class, "order.complaint"),
            entry(onekey.reports.ReportEvents.MonthlyMade.class, "report.monthly-made"));

    // ---- the views: the wire bodies, field for field as docs/api.md shows them -----------------------------------

    record CallView(Map<String, Object> call) {}

    record QueuedView(Map<String, Object> call, String queue, int position) {}

    record OfferedView(Map<String, Object> call, Map<String, Object> elder, boolean registered, boolean recordUnavailable,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String recordMessage, String callerNumber, String agent,
                       long amiEventAt) {}

    record EndedView(Map<String, Object> call, @JsonInclude(JsonInclude.Include.NON_NULL) String transferredTo) {}

    record NoAgentReadyView(String kind, @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Object> call,
                            long waiting, String message) {}

    record OverflowView(String kind, Map<String, Object> call, String waitedSeconds, String backupNumber,
                        String message) {}

    record ConferenceAloneView(String kind, String linkedid, String room, String message) {}

    record AgentView(Map<String, Object> agent) {}

    record IncidentView(Map<String, Object> incident) {}

    record TaskAssignedView(Map<String, Object> incident, String task) {}

    record IncidentAlertView(String kind, Map<String, Object> incident) {}

    record TaskAlertView(String kind, String task, Map<String, Object> incident) {}

    record TaskNotTakenView(String kind, int seq, String taskKind, Map<String, Object> incident) {}

    record FollowUpOverdueView(String kind, int seq, String taskKind, Long dueAt, Map<String, Object> incident) {}

    record FollowUpView(Map<String, Object> followUp) {}

    record EmergencyAlertView(String kind, Map<String, Object> incident,
                              @JsonInclude(JsonInclude.Include.NON_NULL) Long seatB,
                              @JsonInclude(JsonInclude.Include.NON_NULL) String message) {}

    record AlertView(Map<String, Object> alert) {}

    record NoticeView(Map<String, Object> notice) {}

    /** A monthly report made (issue 22): its month and file names (GET /api/reports/monthly/{name}). */
    record MonthlyReportView(String month, List<String> files) {}

    record QaView(Map<String, Object> qa) {}

    record OrderView(Map<String, Object> order) {}

    record SilentView(String linkedid, long silentMs, String action) {}

    record SmsView(Map<String, Object> sms) {}

    record SmsReplyView(Map<String, Object> reply) {}

    record SmsLinkView(String kind, String state, String message) {}

    record BroadcastView(Map<String, Object> broadcast) {}

    record BroadcastAlertView(String kind, String task, Map<String, Object> broadcast) {}

    record SpyView(Map<String, Object> session) {}

    record RecordingMissingView(String kind, String state, long callId, String linkedid, Long recordingId,
                                String status, String message) {}

    record DiskLowView(String state, String kind, Object freeMb, Object totalMb,
                       @JsonInclude(JsonInclude.Include.NON_NULL) Long minFreeMb,
                       @JsonInclude(JsonInclude.Include.NON_NULL) Integer minFreePercent, String message) {}

    record DeviceView(Map<String, Object> device) {}

    record DeviceTestedView(Map<String, Object> device, Map<String, Object> test) {}

    record DeviceSilentView(String kind, String state, Map<String, Object> device, long silentMinutes, String message) {}

    record AlarmView(Map<String, Object> alarm, Map<String, Object> device, Map<String, Object> elder,
                     Map<String, Object> incident, String priority) {}

    record AlarmRecordedView(Map<String, Object> alarm, Map<String, Object> device, String note) {}

    static final String RECORD_MESSAGE = "the caller's record could not be read in time (database slow or unavailable)";

    /** The wire name of an event. */
    public static String type(DomainEvent e) {
        String t = TYPES.get(e.getClass());
        if (t == null) {
            throw new IllegalArgumentException("no wire name for " + e.getClass().getName() + " (EventViews.TYPES)");
        }
        return t;
    }

    /** The JSON view of an event's body. Every feature's family is matched exhaustively: a new record must get one. */
    static Object view(DomainEvent e) {
        return switch (e) {
            case CallEvents c -> call(c);
            case AgentEvents.StateChanged a -> new AgentView(Shapes.agent(a.agent()));
            case RescueEvents r -> rescue(r);
            case BroadcastEvents b -> broadcast(b);
            case SpyEvents s -> new SpyView(s.session().shape());
            case RecordingEvents r -> recording(r);
            case AlertEvents a -> new AlertView(a.alert().shape());
            case NoticeEvents n -> new NoticeView(n.notice().shape(n.username()));
            case QaEvents q -> new QaView(q.sheet().shape());
            case DeviceEvents d -> device(d);
            case onekey.sms.SmsEvents.Changed c -> new SmsView(c.message().shape());
            case onekey.sms.SmsEvents.Replied x -> new SmsReplyView(x.reply().shape());
            case onekey.sms.SmsEvents.LinkDown d -> new SmsLinkView("sms-down", d.raised() ? "raised" : "cleared", d.message());
            case OrderEvents o -> new OrderView(o.order().shape());
            case onekey.reports.ReportEvents.MonthlyMade m -> new MonthlyReportView(m.month(), m.files());
            default -> throw new IllegalArgumentException("no view for " + e.getClass().getName());
        };
    }

    private static Object call(CallEvents e) {
        return switch (e) {
            case CallEvents.Queued q -> new QueuedView(Shapes.call(q.call()), q.queue(), q.position());
            case CallEvents.Offered o -> {
                Map<String, Object> elder = null;
                if (o.elder() != null) {
                    elder = new LinkedHashMap<>(Shapes.elder(o.elder(), LocalDate.now()));
                    elder.put("lastCalls", o.lastCalls().stream().map(Shapes::call).toList());
                }
                yield new OfferedView(Shapes.call(o.call()), elder, o.elder() != null, o.recordUnavailable(),
                        o.recordUnavailable() ? RECORD_MESSAGE : null, o.call().callerNumber(), o.agent(), o.amiEventAt());
            }
            case CallEvents.Answered a -> new CallView(Shapes.call(a.call()));
            case CallEvents.Ended x -> new EndedView(Shapes.call(x.call()), x.transferredTo());
            case CallEvents.Finished f -> new CallView(Shapes.call(f.call()));
            case CallEvents.NoAgentReady n -> new NoAgentReadyView("no-agent-ready",
                    n.call() == null ? null : Shapes.call(n.call()), n.waiting(), n.message());
            case CallEvents.Overflow o -> new OverflowView("overflow",
                    o.call() == null ? Map.of("linkedid", o.linkedid()) : Shapes.call(o.call()), o.waitedSeconds(),
                    o.backupNumber(), o.message());
            case CallEvents.ConferenceAlone c -> new ConferenceAloneView("conference-alone", c.linkedid(), c.room(),
                    c.message());
        };
    }

    private static Object rescue(RescueEvents e) {
        return switch (e) {
            case RescueEvents.IncidentChanged c -> new IncidentView(RescueService.shape(c.incident()));
            case RescueEvents.TaskAssigned t -> new TaskAssignedView(RescueService.shape(t.incident()), t.task());
            case RescueEvents.EscalatedAlert a -> new IncidentAlertView("incident-escalated", RescueService.shape(a.incident()));
            case RescueEvents.TaskAlert a -> new TaskAlertView("incident-task", a.task(), RescueService.shape(a.incident()));
            case RescueEvents.TaskNotTaken a -> new TaskNotTakenView("task-not-taken", a.seq(), a.taskKind(),
                    RescueService.shape(a.incident()));
            case RescueEvents.FollowUpOverdue a -> new FollowUpOverdueView("follow-up-overdue", a.seq(), a.taskKind(),
                    a.dueAt(), RescueService.shape(a.incident()));
            case RescueEvents.EmergencyAlert a -> new EmergencyAlertView(a.seatB() == null ? "emergency-no-seat-b"
                    : "incident-emergency", RescueService.shape(a.incident()), a.seatB(), a.message());
            case RescueEvents.FollowUpPlanned f -> new FollowUpView(RescueService.shape(f.followUp()));
            case RescueEvents.FollowUpUpdated f -> new FollowUpView(RescueService.shape(f.followUp()));
            case RescueEvents.CallSilent s -> new SilentView(s.linkedid(), s.silentMs(), s.action());
        };
    }

    private static Object broadcast(BroadcastEvents e) {
        return switch (e) {
            case BroadcastEvents.Changed c -> new BroadcastView(BroadcastService.shape(c.broadcast()));
            case BroadcastEvents.FailedAlert a -> new BroadcastAlertView("broadcast-failed", a.task(),
                    BroadcastService.shape(a.broadcast()));
        };
    }

    private static Object device(DeviceEvents e) {
        return switch (e) {
            case DeviceEvents.Registered r -> new DeviceView(r.device().shape());
            case DeviceEvents.TestMode t -> new DeviceView(t.device().shape());
            case DeviceEvents.Tested t -> new DeviceTestedView(t.device().shape(), t.test().shape());
            case DeviceEvents.Silent s -> new DeviceSilentView("device-silent", "raised", s.device().shape(),
                    s.silentMinutes(), s.message());
            case DeviceEvents.AlarmRaised a -> new AlarmView(a.alarm().shape(), a.device().shape(), a.elder(),
                    a.incident(), a.priority());
            case DeviceEvents.AlarmRecorded a -> new AlarmRecordedView(a.alarm().shape(),
                    a.device() == null ? null : a.device().shape(), a.note());
        };
    }

    private static Object recording(RecordingEvents e) {
        return switch (e) {
            case RecordingEvents.RecordingMissing m -> new RecordingMissingView("recording-missing", "raised", m.callId(),
                    m.linkedid(), m.recordingId(), m.status(), m.message());
            case RecordingEvents.DiskLow d -> new DiskLowView(d.raised() ? "raised" : "cleared", RecordingsDiskWatch.KIND,
                    d.freeMb(), d.totalMb(), d.minFreeMb(), d.minFreePercent(), d.message());
        };
    }

    /**
     * The whole frame as sent to every client that receives the event: {@code type, seq, at}, then the body's fields
     * (a body field of the same name as one of those three is left out, as it always was).
     */
    static byte[] frame(Event e) {
        Object view = view(e.event());
        if (!view.getClass().isRecord() || CLASHES.get(view.getClass())) {
            return frameViaTree(e, view);
        }
        // issue 23: written in one pass, the view's fields unwrapped into the frame (a frame went through a tree before:
        // the view serialized into a buffer, read back as a tree, copied and serialized again, for every event)
        try {
            return FRAME_WRITER.writeValueAsBytes(new Frame(type(e.event()), e.seq(), e.at(), view));
        } catch (com.fasterxml.jackson.core.JsonProcessingException x) {
            throw new java.io.UncheckedIOException(x);
        }
    }

    /** A view record with a component named as a frame's own field (type, seq, at): written through a tree. */
    private static final ClassValue<Boolean> CLASHES = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> c) {
            return c.isRecord() && java.util.Arrays.stream(c.getRecordComponents())
                    .anyMatch(rc -> java.util.Set.of("type", "seq", "at").contains(rc.getName()));
        }
    };

    /** A frame: its own fields, then the view's. */
    @com.fasterxml.jackson.databind.annotation.JsonSerialize(using = FrameSerializer.class)
    record Frame(String type, long seq, long at, Object view) {}

    private static final com.fasterxml.jackson.databind.ObjectWriter FRAME_WRITER = Json.MAPPER.writerFor(Frame.class);

    /** Writes a {@link Frame}: type, seq, at, then the view's fields as its own serializer writes them, unwrapped. */
    static final class FrameSerializer extends com.fasterxml.jackson.databind.ser.std.StdSerializer<Frame> {
        private final java.util.concurrent.ConcurrentHashMap<Class<?>, com.fasterxml.jackson.databind.JsonSerializer<Object>>
                unwrapping = new java.util.concurrent.ConcurrentHashMap<>();

        FrameSerializer() {
            super(Frame.class);
        }

        @Override
        public void serialize(Frame f, com.fasterxml.jackson.core.JsonGenerator gen,
                              com.fasterxml.jackson.databind.SerializerProvider provider) throws java.io.IOException {
            com.fasterxml.jackson.databind.JsonSerializer<Object> fields = unwrapping.get(f.view().getClass());
            if (fields == null) {
                fields = provider.findValueSerializer(f.view().getClass())
                        .unwrappingSerializer(com.fasterxml.jackson.databind.util.NameTransformer.NOP);
                unwrapping.putIfAbsent(f.view().getClass(), fields);
            }
            gen.writeStartObject();
            gen.writeStringField("type", f.type());
            gen.writeNumberField("seq", f.seq());
            gen.writeNumberField("at", f.at());
            fields.serialize(f.view(), gen, provider);
            gen.writeEndObject();
        }
    }

    /** {@link #frame} through a tree: a body field named as one of the frame's own is left out. */
    static byte[] frameViaTree(Event e, Object view) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("type", type(e.event()));
        n.put("seq", e.seq());
        n.put("at", e.at());
        ObjectNode body = Json.MAPPER.valueToTree(view);
        body.properties().forEach(f -> {
            if (!n.has(f.getKey())) {
                n.set(f.getKey(), f.getValue());
            }
        });
        return Json.writeBytes(n);
    }

    /** An event's body as its frame carries it, as plain Java values (for tests and for logs). */
    public static Map<String, Object> body(DomainEvent e) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = Json.MAPPER.convertValue(view(e), Map.class);
        return m;
    }

    /** Same, for a published event. */
    public static Map<String, Object> body(Event e) {
        return body(e.event());
    }

    public static String type(Event e) {
        return type(e.event());
    }
}
