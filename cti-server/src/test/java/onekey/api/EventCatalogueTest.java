package onekey.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import onekey.events.DomainEvent;
import org.junit.jupiter.api.Test;

/**
 * docs/api.md's WebSocket event table and the event records agree, both ways: every record of every feature's sealed
 * family has a wire name, every wire name is documented, and every documented type is published by some record.
 */
class EventCatalogueTest {

    private static final Path DOC = Path.of(System.getProperty("user.dir")).resolve("../docs/api.md").normalize();

    /** The {@code type} column of the table that follows "Events (server → client)". */
    static Set<String> documentedTypes(List<String> lines) {
        int i = 0;
        while (i < lines.size() && !lines.get(i).startsWith("Events (server → client)")) {
            i++;
        }
        assertThat(i).as("docs/api.md has the paragraph 'Events (server → client)'").isLessThan(lines.size());
        while (i < lines.size() && !lines.get(i).startsWith("| type")) {
            i++;
        }
        Set<String> types = new TreeSet<>();
        Pattern first = Pattern.compile("^\\| `([a-z][a-z.-]*)` \\|");
        for (i = i + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            Matcher m = first.matcher(lines.get(i));
            assertThat(m.find()).as("an event row names its type first: %s", lines.get(i)).isTrue();
            types.add(m.group(1));
        }
        return types;
    }

    /** Every concrete record under a sealed family (nested families included). */
    static List<Class<?>> records(Class<?> family) {
        List<Class<?>> out = new ArrayList<>();
        if (family.isSealed()) {
            for (Class<?> c : family.getPermittedSubclasses()) {
                out.addAll(records(c));
            }
        } else {
            out.add(family);
        }
        return out;
    }

    @Test
    void everyEventRecordHasAWireNameAndEveryWireNameIsInTheDocsAndBack() throws IOException {
        Set<String> documented = documentedTypes(Files.readAllLines(DOC));
        Set<Class<?>> all = new java.util.HashSet<>();
        for (Class<? extends DomainEvent> family : EventViews.FEATURES) {
            assertThat(family.isSealed()).as("%s is a sealed family", family.getSimpleName()).isTrue();
            for (Class<?> c : records(family)) {
                assertThat(c.isRecord()).as("%s is a record", c.getName()).isTrue();
                assertThat(EventViews.TYPES).as("a wire name for %s", c.getName()).containsKey(c.asSubclass(DomainEvent.class));
                all.add(c);
            }
        }
        // no name for a record outside the families (a family forgotten in FEATURES)
        assertThat(all).containsExactlyInAnyOrderElementsOf(EventViews.TYPES.keySet());
        Set<String> inCode = new TreeSet<>(EventViews.TYPES.values());
        assertThat(documented).as("types documented in docs/api.md (left) vs published by the code (right)")
                .isEqualTo(inCode);
    }

    @Test
    void theDocTableIsReadAsATable() {
        List<String> doc = List.of("Events (server → client): …", "", "| type | body |", "|---|---|",
                "| `call.offered` | `{…}` |", "| `queue.alert` | broadcast |", "", "| `not.this` | x |");
        assertThat(documentedTypes(doc)).containsExactly("call.offered", "queue.alert");
    }
}
