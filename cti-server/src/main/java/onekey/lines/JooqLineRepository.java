package onekey.lines;

import static onekey.store.jooq.Tables.SERVICE_LINES;

import java.util.List;
import java.util.Optional;
import onekey.store.Database;
import onekey.store.jooq.tables.records.ServiceLinesRecord;
import org.jooq.DSLContext;

/** Dialled numbers and their services, table service_lines. */
public final class JooqLineRepository implements LineRepository {

    private final DSLContext dsl;

    public JooqLineRepository(Database db) {
        this.dsl = db.dsl();
    }

    @Override
    public Optional<Line> find(String number) {
        if (number == null) {
            return Optional.empty();
        }
        return dsl.selectFrom(SERVICE_LINES).where(SERVICE_LINES.NUMBER.eq(number)).fetchOptional()
                .map(JooqLineRepository::toLine);
    }

    /** Highest priority first, then by number. */
    @Override
    public List<Line> all() {
        return dsl.selectFrom(SERVICE_LINES)
                .orderBy(SERVICE_LINES.PRIORITY.desc(), SERVICE_LINES.NUMBER)
                .fetch(JooqLineRepository::toLine);
    }

    @Override
    public void save(Line line) {
        if (line == null || line.number() == null || line.number().isBlank()) {
            throw new IllegalArgumentException("number is required");
        }
        if (line.service() == null) {
            throw new IllegalArgumentException("service is required");
        }
        String name = line.name() == null ? line.service().wire() : line.name();
        dsl.insertInto(SERVICE_LINES)
                .set(SERVICE_LINES.NUMBER, line.number().trim())
                .set(SERVICE_LINES.SERVICE, line.service().wire())
                .set(SERVICE_LINES.PRIORITY, line.priority())
                .set(SERVICE_LINES.NAME, name)
                .onDuplicateKeyUpdate()
                .set(SERVICE_LINES.SERVICE, line.service().wire())
                .set(SERVICE_LINES.PRIORITY, line.priority())
                .set(SERVICE_LINES.NAME, name)
                .execute();
    }

    private static Line toLine(ServiceLinesRecord r) {
        return new Line(r.getNumber(), Service.fromWire(r.getService()), r.getPriority(), r.getName());
    }
}
