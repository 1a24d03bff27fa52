package onekey.qa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 19 item 5: the weighted total, the form's checks, the sample's rule. */
class QaFormTest {

    static final Map<String, Integer> FULL = Map.of("greeting", 5, "identity", 5, "procedure", 5, "empathy", 5, "disposition", 5);

    @Test
    void theTotalIsTheWeightedShareOfFullMarks() {
        QaForm f = QaForm.DEFAULT;
        assertThat(f.total(FULL)).isEqualTo(100);
        assertThat(f.total(Map.of("greeting", 4, "identity", 5, "procedure", 5, "empathy", 3, "disposition", 5)))
                .as("15×4/5 + 25 + 25 + 15×3/5 + 20").isEqualTo(91);
        assertThat(f.total(Map.of("greeting", 0, "identity", 0, "procedure", 0, "empathy", 0, "disposition", 0))).isZero();
        QaForm two = new QaForm(List.of(new QaForm.Item("a", "A", 1), new QaForm.Item("b", "B", 3)), 10);
        assertThat(two.total(Map.of("a", 5, "b", 0))).isEqualTo(25);
    }

    @Test
    void aSheetMustScoreEveryItemOfTheFormAndNothingElseWithinZeroToFive() {
        QaForm f = QaForm.DEFAULT;
        assertThatThrownBy(() -> f.total(Map.of("greeting", 5))).hasMessageStartingWith("scores.identity");
        java.util.Map<String, Integer> extra = new java.util.HashMap<>(FULL);
        extra.put("smile", 5);
        assertThatThrownBy(() -> f.total(extra)).hasMessageStartingWith("scores.smile");
        java.util.Map<String, Integer> six = new java.util.HashMap<>(FULL);
        six.put("empathy", 6);
        assertThatThrownBy(() -> f.total(six)).hasMessageStartingWith("scores.empathy");
        assertThatThrownBy(() -> new QaForm(List.of(new QaForm.Item("a", "A", 0)), 5)).hasMessageContaining("weight");
        assertThatThrownBy(() -> new QaForm(List.of(new QaForm.Item("A b", "A", 1)), 5)).hasMessageContaining("key");
        assertThatThrownBy(() -> new QaForm(List.of(new QaForm.Item("a", "A", 1), new QaForm.Item("a", "B", 1)), 5))
                .hasMessageContaining("distinct");
        assertThatThrownBy(() -> new QaForm(List.of(new QaForm.Item("a", "A", 1)), 101)).hasMessageContaining("samplePercent");
    }

    @Test
    void everySosCallIsSampledAndTheRestByTheirShareTheSameWayEachTime() {
        assertThat(QaService.sampled("sos", "1700000000.1", 0)).isTrue();
        int in = 0;
        for (int i = 0; i < 2000; i++) {
            String linkedid = "1700000" + i + "." + (i * 7);
            boolean s = QaService.sampled("consult", linkedid, 5);
            assertThat(QaService.sampled("consult", linkedid, 5)).isEqualTo(s);
            assertThat(QaService.sampled("consult", linkedid, 0)).isFalse();
            assertThat(QaService.sampled("consult", linkedid, 100)).isTrue();
            in += s ? 1 : 0;
        }
        assertThat(in).as("about 5 % of 2000").isBetween(50, 160);
    }
}
