package org.asteriskjava.manager.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.asteriskjava.AsteriskVersion;
import org.asteriskjava.manager.action.OriginateAction;
import org.junit.jupiter.api.Test;

/**
 * OneKey's Originate text (issue 23) is asterisk-java's, header for header: the same lines as its reflective action
 * builder writes for the same action (Asterisk reads headers in any order), the blank line that ends it, and asterisk-java's
 * builder for what OneKey does not write itself.
 */
class OneKeyManagerWriterTest {

    private static String builder(OriginateAction o, String internal, AsteriskVersion v) {
        ActionBuilderImpl b = new ActionBuilderImpl();
        b.setTargetVersion(v);
        return b.buildAction(o, internal);
    }

    private static List<String> lines(String text) {
        assertThat(text).endsWith("\r\n\r\n");
        return Arrays.stream(text.split("\r\n")).sorted().toList();
    }

    /** What the dialer sends for a broadcast call: a pre-assigned channel id, variables with UTF-8 and empty values. */
    private static OriginateAction dialersOriginate() {
        OriginateAction o = new OriginateAction();
        o.setChannel("PJSIP/13800000001@trunk");
        o.setContext("onekey-broadcast");
        o.setExten("s");
        o.setPriority(1);
        o.setTimeout(30_000L);
        o.setAsync(true);
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("ONEKEY_BCAST", "4711");
        vars.put("ONEKEY_PROMPT", "/var/lib/onekey/tts/ab12");
        vars.put("ONEKEY_LANG", "zh");
        vars.put("ONEKEY_ELDER_NUMBER", "13800000001");
        vars.put("ONEKEY_NOTE", "王奶奶 请按1");
        vars.put("ONEKEY_EMPTY", "");
        vars.put("ONEKEY_NULL", null);
        o.setVariables(vars);
        o.setActionId("okbc-4711");
        o.setChannelId("okbc-4711");
        return o;
    }

    @Test
    void theDialersOriginateIsWrittenAsAsteriskJavaWritesIt() {
        OriginateAction o = dialersOriginate();
        for (AsteriskVersion v : List.of(AsteriskVersion.ASTERISK_1_2, AsteriskVersion.ASTERISK_16, AsteriskVersion.ASTERISK_18)) {
            String fast = OneKeyManagerWriter.originate(o, "1234567_17", v);
            assertThat(fast).as("written by OneKey for %s", v).isNotNull();
            assertThat(lines(fast)).isEqualTo(lines(builder(o, "1234567_17", v)));
            assertThat(fast).startsWith("action: Originate\r\n")
                    .contains("\r\nactionid: " + ManagerUtil.addInternalActionId("okbc-4711", "1234567_17") + "\r\n");
        }
        // without an internal action id, and without any action id
        assertThat(lines(OneKeyManagerWriter.originate(o, null, AsteriskVersion.ASTERISK_16)))
                .isEqualTo(lines(builder(o, null, AsteriskVersion.ASTERISK_16)));
        o.setActionId(null);
        assertThat(lines(OneKeyManagerWriter.originate(o, null, AsteriskVersion.ASTERISK_16)))
                .isEqualTo(lines(builder(o, null, AsteriskVersion.ASTERISK_16)));
    }

    @Test
    void everyHeaderAnOriginateCanHaveIsWrittenAsAsteriskJavaWritesIt() {
        OriginateAction o = new OriginateAction();
        o.setAccount("acct-1");
        o.setCallerId("\"一键通\" <12349>");
        o.setCallingPres(32);
        o.setChannel("PJSIP/1001");
        o.setApplication("Playback");
        o.setData("tt-monkeys");
        o.setTimeout(15_000);
        o.setVariable("A", "1");
        o.setAsync(false);
        o.setEarlyMedia(true);
        o.setCodecs(List.of("ulaw", "alaw"));
        o.setChannelId("ch-1");
        o.setOtherChannelId("ch-2");
        o.setActionId("spy-9");
        String fast = OneKeyManagerWriter.originate(o, "99_1", AsteriskVersion.ASTERISK_16);
        assertThat(lines(fast)).isEqualTo(lines(builder(o, "99_1", AsteriskVersion.ASTERISK_16)));
        assertThat(lines(fast)).contains("codecs: ulaw,alaw", "earlymedia: true", "async: false", "variable: A=1");
        // the fewest headers: a bare action
        OriginateAction bare = new OriginateAction();
        assertThat(lines(OneKeyManagerWriter.originate(bare, "1_1", AsteriskVersion.ASTERISK_16)))
                .isEqualTo(lines(builder(bare, "1_1", AsteriskVersion.ASTERISK_16)));
    }

    @Test
    void whatAsteriskJavaWritesDifferentlyIsLeftToItsBuilder() {
        OriginateAction o = dialersOriginate();
        assertThat(OneKeyManagerWriter.originate(o, "1_1", AsteriskVersion.ASTERISK_1_0))
                .as("before 1.2 the variables are one header").isNull();
        o.setVariable("Content", "line one\nline two");
        assertThat(OneKeyManagerWriter.originate(o, "1_1", AsteriskVersion.ASTERISK_16))
                .as("a multi-line Content variable").isNull();
        OriginateAction sub = new OriginateAction() {
        };
        assertThat(OneKeyManagerWriter.originate(sub, "1_1", AsteriskVersion.ASTERISK_16)).as("a subclass").isNull();
    }
}
