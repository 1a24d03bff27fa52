package onekey.orders;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import onekey.store.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The matching's prefilter since V28 (issue 21): sub-districts and categories as rows kept in step on every save, and
 * a query H2 answers through the indexes (the sub-district's, the box's, the primary key), not by scanning suppliers.
 * MariaDB's plan is checked in StorageIT.
 */
class SupplierAreaTest {

    @TempDir
    Path tmp;

    @Test
    void areasFollowEverySaveAndThePrefilterUsesTheIndexesOnH2() {
        try (Database db = onekey.testkit.H2Template.open(tmp.resolve("onekey"), "sa", 2)) {
            OrderRepository repo = new OrderRepository(db);
            for (int i = 0; i < 400; i++) { // enough rows for the optimizer's costs to matter
                repo.createSupplier(draft("填充" + i, List.of("助餐"), 30.0 + i * 0.01, List.of("别处街道" + (i % 9))), 1L);
            }
            long near = repo.createSupplier(draft("近处", List.of("助浴", "助餐"), 31.2790, List.of()), 1L);
            long bySub = repo.createSupplier(draft("街道的", List.of("助浴"), null, List.of("控江路街道", "殷行街道")), 1L);
            long other = repo.createSupplier(draft("不做助浴", List.of("助餐"), null, List.of("控江路街道")), 1L);

            assertThat(ids(repo.prefilter("助浴", 31.2788, 121.5253, 30, "控江路街道"))).containsExactlyInAnyOrder(near, bySub);
            assertThat(ids(repo.prefilter("助餐", null, null, 30, "控江路街道"))).containsExactly(other);

            // a save moves the rows with it: the sub-district supplier leaves 控江路 and gives up 助浴
            repo.updateSupplier(bySub, draft("街道的", List.of("助餐"), null, List.of("殷行街道")), 2L);
            assertThat(ids(repo.prefilter("助浴", 31.2788, 121.5253, 30, "控江路街道"))).containsExactly(near);
            assertThat(ids(repo.prefilter("助餐", null, null, 30, "殷行街道"))).containsExactly(bySub);
            assertThat(ids(repo.suppliers(null, "助浴", 10))).containsExactly(near);

            String sql = db.dsl().renderInlined(repo.prefilterQuery(31.2788, 121.5253, 30, "控江路街道"));
            assertThat(sql.toLowerCase(Locale.ROOT)).doesNotContain(" like ");
            String plan = String.valueOf(db.dsl().fetchValue("EXPLAIN " + sql)).toLowerCase(Locale.ROOT);
            System.out.println("H2 prefilter plan:\n" + plan);
            assertThat(plan).contains("ix_supplier_sub_districts").contains("ix_suppliers_lat_lon");
            assertThat(plan).as("suppliers read by id from the union, not scanned by state")
                    .doesNotContain("ix_suppliers_state").doesNotContain("suppliers.tablescan");
        }
    }

    private static List<Long> ids(List<Supplier> s) {
        return s.stream().map(Supplier::id).toList();
    }

    private static OrderRepository.SupplierDraft draft(String name, List<String> cats, Double lat, List<String> subs) {
        return new OrderRepository.SupplierDraft(name, cats, List.of("13800001111"), lat, lat == null ? null : 121.5250,
                lat == null ? null : 3.0, subs, "", null, null, Supplier.State.ADMITTED, Supplier.Via.VOICE, null, null);
    }
}
