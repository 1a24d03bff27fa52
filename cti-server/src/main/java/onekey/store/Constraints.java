package onekey.store;

import java.util.Locale;
import org.jooq.exception.DataAccessException;
import org.jooq.exception.SQLStateClass;

/** Recognises which named unique index a write violated, on H2 and MariaDB alike. */
public final class Constraints {

    private Constraints() {}

    /**
     * True when {@code e} is an integrity-constraint violation naming {@code indexName}. H2 says
     * {@code Unique index or primary key violation: "public.uq_x ON ..."}, MariaDB says
     * {@code Duplicate entry '..' for key 'uq_x'}; both carry the index name.
     */
    public static boolean violates(DataAccessException e, String indexName) {
        if (!isIntegrityViolation(e)) {
            return false;
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            if (m != null && m.toLowerCase(Locale.ROOT).contains(indexName.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    public static boolean isIntegrityViolation(DataAccessException e) {
        if (e.sqlStateClass() == SQLStateClass.C23_INTEGRITY_CONSTRAINT_VIOLATION) {
            return true;
        }
        String state = e.sqlState();
        return state != null && state.startsWith("23");
    }
}
