package onekey;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RuntimeCheckTest {

    @Test
    void java21To23AreRefusedNamingJep491AndTheWayOut() {
        for (int feature = 21; feature <= 23; feature++) {
            assertThat(RuntimeCheck.refusal(feature, false)).get().asString()
                    .contains("JEP 491", "AgiChannelImpl.sendCommand", "pins its carrier thread",
                            "runtime is " + feature, "24 or newer", "-Donekey.allowPinning=true");
        }
    }

    @Test
    void java24AndNewerStart() {
        assertThat(RuntimeCheck.refusal(24, false)).isEmpty();
        assertThat(RuntimeCheck.refusal(25, false)).isEmpty();
        assertThat(RuntimeCheck.refusal(30, false)).isEmpty();
    }

    @Test
    void allowPinningLetsAnOlderRuntimeStart() {
        assertThat(RuntimeCheck.refusal(21, true)).isEmpty();
    }
}
