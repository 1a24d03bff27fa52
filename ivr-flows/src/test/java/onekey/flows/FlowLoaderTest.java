package onekey.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FlowLoaderTest {

    private static String reject(String steps) {
        return assertThrows(FlowDefinitionException.class,
                () -> FlowLoader.parse("{\"name\":\"bad\",\"steps\":[" + steps + "]}", "test.json")).getMessage();
    }

    private static void assertContains(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "expected '" + p + "' in: " + message);
        }
    }

    @Test
    void shippedInboundFlowLoads() {
        Flow f = FlowLoader.fromClasspath("inbound");
        assertEquals("inbound", f.name());
        assertTrue(f.labels().containsKey("queue"));
        assertTrue(f.steps().getLast() instanceof Step.Queue);
    }

    @Test
    void unknownStepKindNamesTheStep() {
        assertContains(reject("{\"step\":\"answer\"},{\"step\":\"dance\"}"),
                "flow 'bad' step #2 (dance)", "unknown step kind 'dance'");
    }

    @Test
    void missingFieldNamesStepAndField() {
        assertContains(reject("{\"step\":\"readDigits\",\"maxDigits\":4,\"var\":\"X\"}"),
                "step #1 (readDigits)", "missing field 'timeoutMs'");
        assertContains(reject("{\"step\":\"play\"}"), "step #1 (play)", "exactly one of 'sound' or 'text'");
        assertContains(reject("{\"answer\":true}"), "step #1", "missing field 'step'");
        assertContains(reject("{\"step\":\"queue\",\"queue\":\"q\"}"), "(queue)", "missing field 'priority'");
    }

    @Test
    void gotoToUnknownLabelIsRejected() {
        assertContains(reject("{\"step\":\"goto\",\"label\":\"nowhere\"}"),
                "step #1 (goto)", "unknown label 'nowhere'");
        assertContains(reject("{\"step\":\"branch\",\"var\":\"A\",\"equals\":\"x\",\"goto\":\"nope\"}"),
                "(branch)", "unknown label 'nope'");
        assertContains(reject("""
                {"step":"menu","prompt":{"sound":"m"},"choices":{"1":"a"},"timeoutMs":1000,"default":"zz"},
                {"step":"label","name":"a"}
                """), "(menu)", "unknown label 'zz'");
    }

    @Test
    void otherMistakesAreRejected() {
        assertContains(reject("{\"step\":\"answer\",\"tiemout\":3}"), "unknown field 'tiemout'");
        assertContains(reject("{\"step\":\"label\",\"name\":\"a\"},{\"step\":\"label\",\"name\":\"a\"}"),
                "step #2 (label)", "duplicate label 'a'");
        assertContains(reject("{\"step\":\"branch\",\"var\":\"A\",\"equals\":\"x\",\"empty\":true,\"goto\":\"a\"},"
                + "{\"step\":\"label\",\"name\":\"a\"}"), "exactly one condition");
        assertContains(reject("{\"step\":\"readDigits\",\"maxDigits\":0,\"timeoutMs\":5,\"var\":\"X\"}"),
                "'maxDigits' must be > 0");
        assertContains(reject("{\"step\":\"set\",\"var\":\"X\",\"value\":\"${oops\"}"), "malformed ${...}");
        assertContains(assertThrows(FlowDefinitionException.class, () -> FlowLoader.parse("{", "x.json")).getMessage(),
                "x.json", "not valid JSON");
        assertContains(assertThrows(FlowDefinitionException.class,
                () -> FlowLoader.parse("{\"name\":\"n\",\"steps\":[]}", "x.json")).getMessage(), "non-empty array");
        assertContains(assertThrows(FlowDefinitionException.class,
                () -> FlowLoader.fromClasspath("no-such-flow")).getMessage(), "flows/no-such-flow.json");
    }
}
