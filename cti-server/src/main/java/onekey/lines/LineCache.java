package onekey.lines;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import onekey.telephony.Pbx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dialled lines, held in memory so the call path never queries for them, and handed to the
 * dialplan (AstDB family {@value #FAMILY}: number → "service,priority").
 *
 * <p>RULE (ARCHITECTURE "Faults": database slow or away — SOS stays SOS): a line's service and priority
 * are known without the database, by the cti-server (this cache) and by Asterisk (AstDB, kept across
 * restarts of either side), so an SOS call is never greeted or queued below SOS priority because the
 * database could not be read.
 */
public final class LineCache {

    private static final Logger log = LoggerFactory.getLogger(LineCache.class);
    public static final String FAMILY = "onekey-line";

    private final LineRepository repo;
    private volatile Map<String, Line> byNumber;

    /** Loads the lines (at start the database must answer: the migrations just ran on it). */
    public LineCache(LineRepository repo) {
        this.repo = repo;
        this.byNumber = load(repo.all());
    }

    private static Map<String, Line> load(List<Line> lines) {
        return lines.stream().collect(Collectors.toUnmodifiableMap(Line::number, Function.identity(), (a, b) -> b));
    }

    /** Reloads from the database; on failure the lines known so far stay. */
    public void refresh() {
        try {
            byNumber = load(repo.all());
        } catch (RuntimeException e) {
            log.warn("lines not reloaded (database unavailable), keeping {} known: {}", byNumber.size(), e.toString());
        }
    }

    /** The line of a dialled number; a number OneKey does not know is general help. */
    public Line lineFor(String dnis) {
        Line l = dnis == null ? null : byNumber.get(dnis);
        return l != null ? l : new Line(dnis == null ? "" : dnis, Service.GENERAL, 1, "unknown line");
    }

    public List<Line> all() {
        return List.copyOf(byNumber.values());
    }

    /** Writes every line into the dialplan's AstDB family; throws {@link Pbx.PbxException} when Asterisk refuses. */
    public void publish(Pbx pbx) {
        for (Line l : byNumber.values()) {
            pbx.putSetting(FAMILY, l.number(), l.service().wire() + "," + l.priority());
        }
        log.info("lines published to the dialplan count={}", byNumber.size());
    }
}
