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

    private final BroadcastRepository repo;
    private final BroadcastService broadcasts;
    private final ElderRepository elders;
    private final Clock clock;
    private final ZoneId zone;
    /** campaign id → broadcasts still being scheduled (rendering) in this run. */
    private final Map<Long, AtomicInteger> scheduling = new java.util.concurrent.ConcurrentHashMap<>();

    public CampaignService(BroadcastRepository repo, BroadcastService broadcasts, ElderRepository elders, Clock clock,
                           ZoneId zone) {
        this.repo = repo;
        this.broadcasts = broadcasts;
        this.elders = elders;
        this.clock = clock;
        this.zone = zone;
    }

    /** Creates a campaign and schedules its broadcasts in the background; the campaign's summary follows them. */
    public BroadcastRepository.Campaign create(String name, String template, Map<String, String> fields, Selection sel,
                                               Instant at, Account by) {
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
        long id = repo.createCampaign(name.trim(), t.id, checked, sel.describe(), by.username(), chosen.size(), clock.millis());
        AtomicInteger left = new AtomicInteger(chosen.size());
        scheduling.put(id, left);
        Thread.ofVirtual().name("campaign-" + id).start(() -> {
            for (Elder e : chosen) {
                try {
                    broadcasts.schedule(new BroadcastService.Request(e.id(), t.id, checked, at, false), by, id);
                } catch (RuntimeException ex) {
                    log.warn("campaign.elder-skipped campaign={} elder={} error={}", id, e.id(), ex.getMessage());
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
        for (String[] row : repo.campaignProgress(c.id())) {
            scheduled++;
            if ("true".equals(row[1])) {
                reached++;
            }
            byState.merge(row[0], 1, Integer::sum);
            if (!Broadcast.State.of(row[0]).closed()) {
                pending++;
            }
        }
        boolean stillScheduling = scheduling.containsKey(c.id());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.id());
        m.put("name", c.name());
        m.put("template", c.template());
        m.put("fields", c.fields());
        m.put("selection", c.selection());
        m.put("state", !c.state().equals("paused") && !stillScheduling && scheduled >= c.elderCount() && pending == 0
                ? "done" : c.state());
        m.put("createdAt", c.createdAt());
        m.put("createdBy", c.createdBy());
        m.put("elders", c.elderCount());
        m.put("scheduled", scheduled);
        m.put("reached", reached);
        m.put("confirmed", byState.getOrDefault("confirmed", 0));
        m.put("transferred", byState.getOrDefault("transferred", 0));
        m.put("failed", byState.getOrDefault("failed", 0));
        m.put("pending", pending);
        return m;
    }
}
