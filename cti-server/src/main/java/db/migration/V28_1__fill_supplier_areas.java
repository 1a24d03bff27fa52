package db.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Schema V28_1 (issue 21, matching speed): fills supplier_sub_districts and supplier_categories (V28) from the
 * suppliers already stored, whose lists are comma-joined with a comma before and after (",助浴,维修,"). In Java because
 * splitting a list is not the same SQL on H2 and MariaDB; plain JDBC, so it does not depend on the jOOQ classes of a
 * later schema.
 */
public class V28_1__fill_supplier_areas extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, sub_districts, categories FROM suppliers");
             PreparedStatement sd = c.prepareStatement(
                     "INSERT INTO supplier_sub_districts (supplier_id, sub_district) VALUES (?, ?)");
             PreparedStatement cat = c.prepareStatement(
                     "INSERT INTO supplier_categories (supplier_id, category) VALUES (?, ?)")) {
            int n = 0;
            while (rs.next()) {
                long id = rs.getLong(1);
                n += add(sd, id, rs.getString(2), 64);
                n += add(cat, id, rs.getString(3), 32);
                if (n >= 500) {
                    sd.executeBatch();
                    cat.executeBatch();
                    n = 0;
                }
            }
            sd.executeBatch();
            cat.executeBatch();
        }
    }

    private static int add(PreparedStatement ps, long id, String list, int max) throws Exception {
        if (list == null) {
            return 0;
        }
        int n = 0;
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String item : list.split(",")) {
            String v = item.trim();
            if (v.isEmpty() || v.length() > max || !seen.add(v)) {
                continue; // too long to match an elder's field anyway; a repeated entry once
            }
            ps.setLong(1, id);
            ps.setString(2, v);
            ps.addBatch();
            n++;
        }
        return n;
    }
}
