package onekey.calls;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import onekey.lines.Service;
import org.junit.jupiter.api.Test;

/**
 * The journal's hand-written JSON for a call's state, its events and an audit row is the text databind writes for them
 * (the journal's files from before read back the same, and a crash's replay reads these the same way), for every line,
 * every outcome, nulls, and strings needing JSON's escapes.
 */
class JournalOpJsonTest {

    /** As {@link CallJournal} configures its mapper. */
    private final ObjectMapper json = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .registerModule(new com.fasterxml.jackson.module.blackbird.BlackbirdModule());

    private static final String[] STRINGS = {null, "", "1733600000.42", "PJSIP/elder-00000a1f", "王德明 \"老王\"",
            "back\\slash/slash", "tab\tnew\nline\rcr\u0001\u001f", "emoji 🚑 and \u2028\u2029", "<script>&amp;</script>",
            "'single' \u007f \u00e9"};

    @Test
    void callStatesAreWrittenAsDatabindWritesThem() throws Exception {
        Random r = new Random(23);
        List<CallRecord> calls = new ArrayList<>();
        for (Service line : Service.values()) {
            for (CallOutcome outcome : CallOutcome.values()) {
                calls.add(new CallRecord(r.nextLong(), s(r), s(r), s(r), s(r), line, r.nextInt(21) - 5, l(r), l(r), s(r),
                        r.nextLong(), l(r), l(r), l(r), l(r), l(r), outcome, s(r), s(r), r.nextBoolean(), l(r)));
            }
        }
        calls.add(new CallRecord(0, null, null, null, null, null, 0, null, null, null, 0, null, null, null, null, null,
                null, null, null, false, null));
        calls.add(CallRecord.arrived("1733600000.1", "PJSIP/x-1", "02155550001", "9001", Service.SOS, 10, 1733600000123L,
                true));
        for (CallRecord c : calls) {
            same(new JournalOp.CallState(c));
        }
    }

    @Test
    void eventsAndAuditRowsAreWrittenAsDatabindWritesThem() throws Exception {
        Random r = new Random(24);
        for (int i = 0; i < 40; i++) {
            List<JournalOp.Ev> evs = new ArrayList<>();
            for (int k = 0; k < i % 5; k++) {
                evs.add(new JournalOp.Ev(r.nextLong(), s(r), s(r)));
            }
            same(new JournalOp.Events(s(r), List.copyOf(evs)));
            same(new JournalOp.Audit(r.nextLong(), l(r), s(r), s(r), s(r), s(r), s(r)));
        }
        same(new JournalOp.Events("x", List.of()));
        same(new JournalOp.Events(null, null));
    }

    @Test
    void otherOpsAreLeftToDatabind() {
        assertThat(JournalOpJson.encode(new JournalOp.RecordingDue("1.2", "/rec/a.wav"))).isNull();
        assertThat(JournalOpJson.encode(new JournalOp.ElderLinked("1.2", 7, 1, "d"))).isNull();
    }

    private void same(JournalOp op) throws Exception {
        String mine = JournalOpJson.encode(op);
        assertThat(mine).isEqualTo(json.writerFor(JournalOp.class).writeValueAsString(op));
        assertThat(json.readValue(mine, JournalOp.class)).isEqualTo(op);
    }

    private static String s(Random r) {
        return STRINGS[r.nextInt(STRINGS.length)];
    }

    private static Long l(Random r) {
        return r.nextInt(4) == 0 ? null : (r.nextBoolean() ? r.nextLong() : (long) r.nextInt(100_000));
    }
}
