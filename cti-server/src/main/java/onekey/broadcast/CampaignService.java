package onekey.broadcast;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.MonthDay;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import onekey.auth.Account;
import onekey.broadcast.Templates.Invalid;
import onekey.broadcast.Templates.Template;
import onekey.elders.Elder;
import onekey.elders.ElderRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Care-call campaigns (issue 9, 主动关怀): one template for the elders chosen by attributes (district, language,
 * living alone, birthday today, minimum age), one broadcast per elder with the campaign's id. The broadcasts are
 * delivered by {@link BroadcastService} under its rules (quiet hours, retry plan, {@code maxChannels} calls at
 * once); a paused campaign starts no new attempt until it is resumed. Each message is rendered for its elder (the
 * name is in it), so the broadcasts are scheduled in the background after the campaign row is written.
 */
public final class CampaignService {
    private static final Logger log = LoggerFactory.getLogger(CampaignService.class);

    /** Which elders: every non-null attribute must match. */
    public record Selection(String district, String language, Boolean livingAlone, Boolean birthdayToday, Integer minAge) {
        String describe() {
            List<String> p = new ArrayList<>();
            if (district != null) p.add("district=" + district);
            if (language != null) p.add("language=" + language);
            if (livingAlone != null) p.add("livingAlone=" + livingAlone);
            if (birthdayToday != null) p.add("birthdayToday=" + birthdayToday);
            if (minAge != null) p.add("minAge=" + minAge);
            return p.isEmpty() ? "all elders" : String.join(" ", p);
        }
    }

    /** How a campaign reaches its elders (issue 20): a call (as before), a text to the elder's mobile, or both. */
    public enum Channel {
        VOICE, SMS, BOTH;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public boolean calls() {
            return this != SMS;
        }

        public boolean texts() {
            return this != VOICE;
        }

        /** null or empty: voice. */
        public static Channel parse(String s) {
            if (s == null || s.isBlank()) {
                return VOICE;
            }
            for (Channel c : values()) {
                if (c.wire().equals(s.trim().toLowerCase(java.util.Locale.ROOT))) {
                    return c;
                }
            }
            throw new Invalid("channel", "\"channel\" is '" + s + "', expected one of voice, sms, both");
        }
    }

    /** The longest campaign text (the signature and the template's words are added to it). */
    public static final int MAX_TEXT = 300;

    /**
     * The SMS room as campaigns see it (wired by the root to the SMS service; {@link #NONE} without an SMSC): one
     * text to the elder, linked to the campaign (and its broadcast when the elder is also called).
     */
    public interface Texts {
        boolean enabled();

        /** Writes the elder's text, due not before {@code at} (null: now); false when the elder has no mobile. */
        boolean send(Elder elder, String campaignText, long campaignId, Long broadcastId, Instant at);

        /** The campaign's texts by state (queued, submitted, delivered, failed, expired, unknown). */
        Map<String, Integer> states(long campaignId);

        Texts NONE = new Texts() {
            @Override
            public boolean enabled() {
                return false;
            }

            @Override
            public boolean send(Elder elder, String campaignText, long campaignId, Long broadcastId, Instant at) {
                return false;
            }

            @Override
            public Map<String, Integer> states(long campaignId) {
                return Map.of();
            }
        };
    }

    private final BroadcastRepository repo;
    private final BroadcastService broadcasts;
    private final Texts texts;
    private final ElderRepository elders;
    private final Clock clock;
    private final ZoneId zone;
    /** campaign id → broadcasts still being scheduled (rendering) in this run. */
    private final Map<Long, AtomicInteger> scheduling = new java.util.concurrent.ConcurrentHashMap<>();

    public CampaignService(BroadcastRepository repo, BroadcastService broadcasts, ElderRepository elders, Clock clock,
                           ZoneId zone) {
        this(repo, broadcasts, elders, clock, zone, Texts.NONE);
    }

    public CampaignService(BroadcastRepository repo, BroadcastService broadcasts, ElderRepository elders, Clock clock,
                           ZoneId zone, Texts texts) {
        this.texts = texts == null ? Texts.NONE : texts;
        this.repo = repo;
        this.broadcasts = broadcasts;
        this.elders = elders;
        this.clock = clock;
        this.zone = zone;
    }

    /** Creates a campaign and schedules its broadcasts in the background; the campaign's summary follows them. */
    public BroadcastRepository.Campaign create(String name, String template, Map<String, String> fields, Selection sel,
                                               Instant at, Account by) {
        return create(name, template, fields, sel, at, by, Channel.VOICE, null);
    }

    /**
     * As {@link #create(String, String, Map, Selection, Instant, Account)} on {@code channel}: voice → a call per
     * elder; sms → a text with {@code text} to each elder's mobile, no call; both → the call and the text. Texts keep
     * the quiet hours (sms.quietHours) and are linked to the campaign (and the elder's broadcast).
     */
    public BroadcastRepository.Campaign create(String name, String template, Map<String, String> fields, Selection sel,
                                               Instant at, Account by, Channel channel, String text) {
        Channel ch = channel == null ? Channel.VOICE : channel;
        String words = text == null || text.isBlank() ? null : text.strip();
        if (ch.texts()) {
            if (!texts.enabled()) {
                throw new Invalid("channel", "channel " + ch.wire() + " needs SMS, and SMS is off (sms.host is empty):"
                        + " choose channel voice");
            }
            if (words == null) {
                throw new Invalid("text", "\"text\" is required for channel " + ch.wire()
                        + ": the campaign's words the texts carry");
            }
            if (words.length() > MAX_TEXT) {
                throw new Invalid("text", "\"text\" is longer than " + MAX_TEXT + " characters");
            }
        } else if (words != null) {
            throw new Invalid("text", "\"text\" is for channel sms or both; this campaign calls only (voice)");
        }
        if (name == null || name.isBlank() || name.length() > 128) {
            throw new Invalid("name", "\"name\" is required, at most 128 characters");
        }
        Template t = Template.of(template).orElseThrow(() -> new Invalid("template",
                "unknown template '" + template + "'; one of " + String.join(", ", Template.ids())));
        Map<String, String> checked = Templates.validate(t, fields);
        List<Elder> chosen = select(sel);
        if (chosen.isEmpty()) {
            throw new Invalid("filter", "no elder matches the filter (" + sel.describe() + ")");
        }
        long id = repo.createCampaign(name.trim(), t.id, checked, sel.describe(), by.username(), chosen.size(), clock.millis(),
                ch.wire(), words);
        AtomicInteger left = new AtomicInteger(chosen.size());
        scheduling.put(id, left);
        Thread.ofVirtual().name("campaign-" + id).start(() -> {
            for (Elder e : chosen) {
                try {
                    Long broadcast = null;
                    if (ch.calls()) {
                        try {
                            broadcast = broadcasts.schedule(new BroadcastService.Request(e.id(), t.id, checked, at, false),
                                    by, id).id();
                        } catch (RuntimeException ex) {
                            log.warn("campaign.elder-skipped campaign={} elder={} error={}", id, e.id(), ex.getMessage());
                        }
                    }
                    if (ch.texts() && !texts.send(e, words, id, broadcast, at)) {
                        log.warn("campaign.no-mobile campaign={} elder={}: no mobile number to text", id, e.id());
                    }
                } catch (RuntimeException ex) {
                    log.warn("campaign.text-failed campaign={} elder={} error={}", id, e.id(), ex.getMessage());
                } finally {
                    left.decrementAndGet();
                }
            }
            scheduling.remove(id);
            log.info("campaign.scheduled campaign={} elders={}", id, chosen.size());
        });
        log.info("campaign.created campaign={} template={} elders={} selection=\"{}\" by={}", id, t.id, chosen.size(),
                sel.describe(), by.username());
        return repo.campaign(id).orElseThrow();
    }

    List<Elder> select(Selection sel) {
        return select(elders, sel, LocalDate.ofInstant(clock.instant(), zone));
    }

    /** The elders the selection chooses on {@code today}, read from the elder records (a page of 500 at a time). */
    public static List<Elder> select(ElderRepository elders, Selection sel, LocalDate today) {
        List<Elder> out = new ArrayList<>();
        for (int offset = 0; ; offset += 500) {
            List<Elder> page = elders.list(null, offset, 500);
            for (Elder e : page) {
                if (matches(e, sel, today)) {
                    out.add(e);
                }
            }
            if (page.size() < 500) {
                return out;
            }
        }
    }

    static boolean matches(Elder e, Selection s, LocalDate today) {
        if (s.district() != null && !s.district().equals(e.district())) {
            return false;
        }
        if (s.language() != null && !s.language().equalsIgnoreCase(String.valueOf(e.language()))) {
            return false;
        }
        if (s.livingAlone() != null) {
            // the record's field (schema version 11; notes saying 独居 were carried over by the migration)
            if (e.livingAlone() != s.livingAlone()) {
                return false;
            }
        }
        if (s.birthdayToday() != null) {
            boolean birthday = e.birthDate() != null && MonthDay.from(e.birthDate()).equals(MonthDay.from(today));
            if (birthday != s.birthdayToday()) {
                return false;
            }
        }
        if (s.minAge() != null) {
            Integer age = e.age(today);
            return age != null && age >= s.minAge();
        }
        return true;
    }

    public Optional<BroadcastRepository.Campaign> get(long id) {
        return repo.campaign(id);
    }

    /** running → paused: no new attempt starts (calls already up go on). */
    public BroadcastRepository.Campaign pause(long id) {
        return move(id, "running", "paused");
    }

    public BroadcastRepository.Campaign resume(long id) {
        return move(id, "paused", "running");
    }

    private BroadcastRepository.Campaign move(long id, String from, String to) {
        BroadcastRepository.Campaign c = repo.campaign(id).orElseThrow(() -> new Invalid("id", "no such campaign: " + id));
        if (!repo.moveCampaign(id, from, to)) {
            throw new IllegalStateException("campaign " + id + " is " + c.state() + ", not " + from);
        }
        log.info("campaign.{} campaign={}", to.equals("paused") ? "paused" : "resumed", id);
        return repo.campaign(id).orElseThrow();
    }

    /** The campaign with its figures: elders, scheduled, reached, confirmed, transferred, failed, pending. */
    public Map<String, Object> summary(BroadcastRepository.Campaign c) {
        int scheduled = 0;
        int reached = 0;
        int pending = 0;
        Map<String, Integer> byState = new LinkedHashMap<>();
        for (BroadcastRepository.StateCount row : repo.campaignProgress(c.id())) {
            scheduled += row.broadcasts();
            reached += row.reached();
            byState.merge(row.state(), row.broadcasts(), Integer::sum);
            if (!Broadcast.State.of(row.state()).closed()) {
                pending += row.broadcasts();
            }
        }
        boolean stillScheduling = scheduling.containsKey(c.id());
        Channel ch = Channel.parse(c.channel());
        Map<String, Integer> textStates = ch.texts() ? texts.states(c.id()) : Map.of();
        int textsWritten = textStates.values().stream().mapToInt(Integer::intValue).sum();
        int textsPending = textStates.getOrDefault("queued", 0) + textStates.getOrDefault("sending", 0)
                + textStates.getOrDefault("submitted", 0);
        boolean callsDone = !ch.calls() || scheduled >= c.elderCount() && pending == 0;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.id());
        m.put("name", c.name());
        m.put("template", c.template());
        m.put("fields", c.fields());
        m.put("selection", c.selection());
        m.put("state", !c.state().equals("paused") && !stillScheduling && callsDone && textsPending == 0
                ? "done" : c.state());
        m.put("channel", ch.wire());
        m.put("text", c.smsText());
        m.put("createdAt", c.createdAt());
        m.put("createdBy", c.createdBy());
        m.put("elders", c.elderCount());
        m.put("scheduled", scheduled);
        m.put("reached", reached);
        m.put("confirmed", byState.getOrDefault("confirmed", 0));
        m.put("transferred", byState.getOrDefault("transferred", 0));
        m.put("failed", byState.getOrDefault("failed", 0));
        m.put("pending", pending);
        if (ch.texts()) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("written", textsWritten);
            t.put("delivered", textStates.getOrDefault("delivered", 0));
            t.put("failed", textStates.getOrDefault("failed", 0) + textStates.getOrDefault("expired", 0));
            t.put("unknown", textStates.getOrDefault("unknown", 0));
            t.put("pending", textsPending);
            t.put("noMobile", stillScheduling ? 0 : Math.max(0, c.elderCount() - textsWritten));
            m.put("texts", t);
        }
        return m;
    }
}
