package onekey.api;

import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.POST;
import static onekey.api.Routes.ANY;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import onekey.broadcast.Broadcast;
import onekey.broadcast.BroadcastService;
import onekey.broadcast.Templates;

/**
 * Voice broadcasts over REST (issue 9): {@code POST /api/broadcasts} schedules a confirmation, reminder or care
 * check-in for an elder; {@code GET /api/broadcasts/{id}} shows its state and attempts. Validation at the edge;
 * the rules are in {@link BroadcastService}. Agents, supervisors and admins; every scheduling is audited.
 */
final class BroadcastApi {

    /** The request body. {@code fields}: strings or numbers; {@code at}: ISO instant, offset or local date-time. */
    record BroadcastBody(Long elderId, String template, Map<String, Object> fields, String at, Boolean urgent,
                         String channel) {}

    /**
     * A campaign: a template for the elders the filter chooses. {@code channel}: voice (default), sms or both;
     * {@code text}: the campaign's words for its texts (required for sms and both).
     */
    record CampaignBody(String name, String template, Map<String, Object> fields, FilterBody filter, String at,
                        String channel, String text) {}

    record FilterBody(String district, String language, Boolean livingAlone, Boolean birthdayToday, Integer minAge) {}

    private static final Set<String> STATES = Set.of("scheduled", "calling", "confirmed", "transferred", "failed", "cancelled");

    private final ApiContext ctx;
    private final BroadcastService service;
    private final ZoneId zone;
    private final onekey.broadcast.CampaignService campaigns;

    BroadcastApi(ApiContext ctx, BroadcastService service, onekey.broadcast.CampaignService campaigns, ZoneId zone) {
        this.ctx = ctx;
        this.service = service;
        this.campaigns = campaigns;
        this.zone = zone;
    }

    void addTo(Routes routes) {
        routes.add(POST, "/api/broadcasts", ANY, this::create)
                .add(GET, "/api/broadcasts", ANY, this::list)
                .add(GET, "/api/broadcasts/{broadcast}", ANY, this::get)
                .add(POST, "/api/broadcasts/{broadcast}/cancel", ANY, this::cancel)
                .add(POST, "/api/broadcasts/{broadcast}/done", ANY, this::taskDone)
                .add(POST, "/api/campaigns", Routes.roles(onekey.auth.Role.SUPERVISOR, onekey.auth.Role.ADMIN), this::createCampaign)
                .add(GET, "/api/campaigns/{campaign}", ANY, this::getCampaign)
                .add(POST, "/api/campaigns/{campaign}/pause", Routes.roles(onekey.auth.Role.SUPERVISOR, onekey.auth.Role.ADMIN),
                        r -> moveCampaign(r, true))
                .add(POST, "/api/campaigns/{campaign}/resume", Routes.roles(onekey.auth.Role.SUPERVISOR, onekey.auth.Role.ADMIN),
                        r -> moveCampaign(r, false));
    }

    private static Map<String, String> fields(Map<String, Object> in) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (in != null) {
            in.forEach((k, v) -> {
                if (v != null && !(v instanceof String) && !(v instanceof Number)) {
                    throw ApiException.invalid("fields." + k, "field '" + k + "' must be a string or a number");
                }
                if (v != null) {
                    fields.put(k, v.toString());
                }
            });
        }
        return fields;
    }

    private Reply createCampaign(Req r) {
        CampaignBody b = r.body(CampaignBody.class);
        if (b.template() == null || b.template().isBlank()) {
            throw ApiException.missing("template");
        }
        FilterBody f = b.filter() == null ? new FilterBody(null, null, null, null, null) : b.filter();
        if (f.language() != null && !onekey.tts.Languages.ALL.contains(f.language())) {
            throw ApiException.invalid("filter.language", "\"filter.language\" must be one of "
                    + String.join(", ", onekey.tts.Languages.ALL));
        }
        Instant at = b.at() == null || b.at().isBlank() ? null : instant(b.at().trim());
        try {
            var channel = onekey.broadcast.CampaignService.Channel.parse(b.channel());
            var c = campaigns.create(b.name(), b.template().trim(), fields(b.fields()),
                    new onekey.broadcast.CampaignService.Selection(f.district(), f.language(), f.livingAlone(),
                            f.birthdayToday(), f.minAge()), at, r.account, channel, b.text());
            ctx.audit().record(r.account, "campaign.create", "campaign", Long.toString(c.id()),
                    "template=" + c.template() + " channel=" + c.channel() + " elders=" + c.elderCount() + " "
                            + c.selection());
            return Reply.created(campaigns.summary(c));
        } catch (Templates.Invalid e) {
            throw ApiException.invalid(e.field(), e.getMessage());
        }
    }

    private Reply getCampaign(Req r) {
        long id = r.id("campaign");
        var c = campaigns.get(id).orElseThrow(() -> ApiException.notFound("no such campaign: " + id));
        return Reply.ok(campaigns.summary(c));
    }

    private Reply moveCampaign(Req r, boolean pause) {
        long id = r.id("campaign");
        campaigns.get(id).orElseThrow(() -> ApiException.notFound("no such campaign: " + id));
        try {
            var c = pause ? campaigns.pause(id) : campaigns.resume(id);
            ctx.audit().record(r.account, pause ? "campaign.pause" : "campaign.resume", "campaign", Long.toString(id), null);
            return Reply.ok(campaigns.summary(c));
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage(), null);
        }
    }

    private Reply create(Req r) {
        BroadcastBody b = r.body(BroadcastBody.class);
        if (b.elderId() == null) {
            throw ApiException.missing("elderId");
        }
        if (b.template() == null || b.template().isBlank()) {
            throw ApiException.missing("template");
        }
        if (b.channel() != null && !b.channel().isBlank() && !"voice".equals(b.channel().trim())) {
            throw ApiException.invalid("channel", "\"channel\" of a single broadcast is voice (it waits for the elder's"
                    + " key press); texts: a campaign (POST /api/campaigns with channel sms or both) or POST /api/sms");
        }
        Map<String, String> fields = fields(b.fields());
        Instant at = b.at() == null || b.at().isBlank() ? null : instant(b.at().trim());
        Broadcast made;
        try {
            made = service.schedule(new BroadcastService.Request(b.elderId(), b.template().trim(), fields, at,
                    Boolean.TRUE.equals(b.urgent())), r.account);
        } catch (Templates.Invalid e) {
            throw ApiException.invalid(e.field(), e.getMessage());
        } catch (BroadcastService.Unspeakable e) {
            throw new ApiException(HttpResponseStatus.SERVICE_UNAVAILABLE, "tts_unavailable", e.getMessage(), null);
        }
        ctx.audit().record(r.account, "broadcast.create", "elder", Long.toString(made.elderId()),
                "broadcast=" + made.id() + " template=" + made.template() + " language=" + made.language());
        Map<String, Object> m = new LinkedHashMap<>(BroadcastService.shape(made));
        m.put("reminders", service.find(made.elderId(), null, 50).stream()
                .filter(x -> x.parentId() != null && x.parentId() == made.id()).map(Broadcast::id).toList());
        return Reply.created(m);
    }

    /** "2026-11-25T10:00:00Z", "2026-11-25T18:00+08:00", or a local "2026-11-25T18:00" in the centre's time zone. */
    private Instant instant(String s) {
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(s).atZone(zone).toInstant();
            } catch (DateTimeParseException e2) {
                throw ApiException.invalid("at", "\"at\" must be a date and time like 2026-11-25T18:00 (the centre's time"
                        + " zone) or 2026-11-25T10:00:00Z, got '" + s + "'");
            }
        }
    }

    private Reply get(Req r) {
        long id = r.id("broadcast");
        Broadcast b = service.get(id).orElseThrow(() -> ApiException.notFound("no such broadcast: " + id));
        return Reply.ok(BroadcastService.shape(b));
    }

    /** The worklist: {@code ?state=failed&elderId=&limit=}, or {@code ?task=open} (the calls agents owe, oldest first). */
    private Reply list(Req r) {
        String task = r.param("task");
        if (task != null) {
            if (!task.equals("open")) {
                throw ApiException.invalid("task", "\"task\" can only be open (the broadcasts an agent must follow up)");
            }
            return Reply.ok(service.openTasks(r.intParam("limit", 50, 1, 500)).stream().map(BroadcastService::shape).toList());
        }
        String state = r.param("state");
        if (state != null && !STATES.contains(state)) {
            throw ApiException.invalid("state", "\"state\" must be one of " + String.join(", ", new java.util.TreeSet<>(STATES)));
        }
        return Reply.ok(service.find(r.longParam("elderId", 1), state, r.intParam("limit", 50, 1, 500)).stream()
                .map(BroadcastService::shape).toList());
    }

    /** Body {@code {"note": "…"}} (optional): what the agent did. */
    record DoneBody(String note) {}

    private Reply taskDone(Req r) {
        long id = r.id("broadcast");
        Broadcast b = service.get(id).orElseThrow(() -> ApiException.notFound("no such broadcast: " + id));
        DoneBody body = r.body() != null && r.body().isReadable() ? r.body(DoneBody.class) : new DoneBody(null);
        if (body.note() != null && body.note().length() > 500) {
            throw ApiException.invalid("note", "\"note\" is at most 500 characters");
        }
        try {
            Broadcast done = service.taskDone(id, r.account, body.note() == null ? null : body.note().trim());
            ctx.audit().record(r.account, "broadcast.task-done", "elder", Long.toString(b.elderId()), "broadcast=" + id);
            return Reply.ok(BroadcastService.shape(done));
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage(), null);
        }
    }

    private Reply cancel(Req r) {
        long id = r.id("broadcast");
        Broadcast b = service.get(id).orElseThrow(() -> ApiException.notFound("no such broadcast: " + id));
        try {
            Broadcast done = service.cancel(id, r.account);
            ctx.audit().record(r.account, "broadcast.cancel", "elder", Long.toString(b.elderId()), "broadcast=" + id);
            return Reply.ok(BroadcastService.shape(done));
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage(), null);
        }
    }
}
