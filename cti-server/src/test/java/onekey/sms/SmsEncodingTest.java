package onekey.sms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import onekey.elders.Contact;
import onekey.elders.PhoneNumbers;
import org.junit.jupiter.api.Test;

class SmsEncodingTest {

    @Test
    void gsmTextsAreSevenBitOnePerByteWithTheExtensionTableEscaped() {
        SmsEncoding.Encoded e = SmsEncoding.encode("A{€}@", 1);
        assertThat(e.dataCoding()).isEqualTo(SmsEncoding.GSM7);
        assertThat(e.parts()).hasSize(1);
        assertThat(e.parts().get(0)).containsExactly(0x41, 0x1B, 0x28, 0x1B, 0x65, 0x1B, 0x29, 0x00);
        assertThat(SmsEncoding.decode((byte) 0, e.parts().get(0), false)).isEqualTo("A{€}@");
    }

    @Test
    void chineseIsUcs2AndUpToSeventyCharactersIsOneMessage() {
        String t = "您".repeat(70);
        SmsEncoding.Encoded e = SmsEncoding.encode(t, 9);
        assertThat(e.dataCoding()).isEqualTo(SmsEncoding.UCS2);
        assertThat(e.parts()).hasSize(1);
        assertThat(new String(e.parts().get(0), StandardCharsets.UTF_16BE)).isEqualTo(t);
        assertThat(SmsEncoding.encode(t + "好", 9).parts()).hasSize(2);
    }

    @Test
    void longTextsAreCutIntoPartsWithOneConcatenationReference() {
        String t = "一键通紧急救助".repeat(43); // 301 characters
        SmsEncoding.Encoded e = SmsEncoding.encode(t, 0xAB);
        assertThat(e.parts()).hasSize(5);
        StringBuilder back = new StringBuilder();
        for (int i = 0; i < e.parts().size(); i++) {
            byte[] p = e.parts().get(i);
            assertThat(Arrays.copyOf(p, 6)).containsExactly(5, 0, 3, 0xAB, 5, i + 1);
            assertThat(p.length - 6).isLessThanOrEqualTo(134);
            back.append(SmsEncoding.decode(SmsEncoding.UCS2, p, true));
        }
        assertThat(back.toString()).isEqualTo(t);
    }

    @Test
    void partsNeverCutASurrogatePairOrAnEscape() {
        String emoji = "好".repeat(66) + "😀" + "好".repeat(10);
        SmsEncoding.Encoded e = SmsEncoding.encode(emoji, 1);
        StringBuilder back = new StringBuilder();
        for (byte[] p : e.parts()) {
            String s = SmsEncoding.decode(SmsEncoding.UCS2, p, true);
            assertThat(Character.isHighSurrogate(s.charAt(s.length() - 1))).isFalse();
            back.append(s);
        }
        assertThat(back.toString()).isEqualTo(emoji);

        String gsm = "a".repeat(152) + "€" + "b".repeat(20); // the escape would straddle septets 153/154
        SmsEncoding.Encoded g = SmsEncoding.encode(gsm, 2);
        assertThat(g.parts()).hasSize(2);
        assertThat(g.parts().get(0).length - 6).isEqualTo(152);
        assertThat(SmsEncoding.decode((byte) 0, g.parts().get(0), true) + SmsEncoding.decode((byte) 0, g.parts().get(1), true))
                .isEqualTo(gsm);
    }

    @Test
    void emptyAndTooLongTextsAreRefused() {
        assertThatThrownBy(() -> SmsEncoding.encode("", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SmsEncoding.encode("好".repeat(67 * 256), 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyStateMoveIsListedAndFinalStatesHaveNone() {
        for (SmsMessage.State from : SmsMessage.State.values()) {
            for (SmsMessage.State to : SmsMessage.State.values()) {
                boolean allowed = switch (from) {
                    case QUEUED -> EnumSet.of(SmsMessage.State.SENDING, SmsMessage.State.FAILED).contains(to);
                    case SENDING -> EnumSet.of(SmsMessage.State.QUEUED, SmsMessage.State.SUBMITTED, SmsMessage.State.FAILED,
                            SmsMessage.State.UNKNOWN).contains(to);
                    case SUBMITTED, UNKNOWN -> to.last();
                    default -> false;
                };
                assertThat(from.canMoveTo(to)).as(from + " → " + to).isEqualTo(allowed);
            }
        }
        assertThat(SmsMessage.State.of("delivered").last()).isTrue();
        assertThat(SmsMessage.State.of("unknown").last()).isFalse();
    }

    @Test
    void mobilesGetTextsByDefaultLandlinesDoNotAndTheRecordDecides() {
        assertThat(new Contact("李建国", "儿子", "13816000001").wantsTexts()).isTrue();
        assertThat(new Contact("李建国", "儿子", "+86 138 1600 0001").wantsTexts()).isTrue();
        assertThat(new Contact("居委", "居委", "02165430001").wantsTexts()).isFalse();
        assertThat(new Contact("居委", "居委", "02165430001", null, true).wantsTexts()).isTrue();
        assertThat(new Contact("李建国", "儿子", "13816000001", "zh", false).wantsTexts()).isFalse();
        assertThat(PhoneNumbers.plausible("138-1600-0001")).isTrue();
        assertThat(PhoneNumbers.plausible("(021) 6543 0001")).isTrue();
        assertThat(PhoneNumbers.plausible("110")).isTrue();
        assertThat(PhoneNumbers.plausible("abc")).isFalse();
        assertThat(PhoneNumbers.plausible("138abcd0001")).isFalse();
        assertThat(PhoneNumbers.plausible("12")).isFalse();
    }

    @Test
    void repliesAreReadWithoutSpacesAndPunctuationAndTemplatesSpeakTheContactsLanguage() {
        assertThat(SmsService.ACK_WORDS).contains(SmsService.normalizeReply(" 收到！"), SmsService.normalizeReply("1."),
                SmsService.normalizeReply("到。"));
        assertThat(SmsService.ACK_WORDS).doesNotContain(SmsService.normalizeReply("我在路上，十分钟到"));
        java.util.Map<String, String> v = java.util.Map.of("elder", "张桂英", "address", "长白路100号", "centre", "962222");
        assertThat(SmsTemplates.render("incident-escalated", "zh", v)).startsWith("紧急：张桂英").contains("长白路100号", "962222");
        assertThat(SmsTemplates.render("incident-escalated", "en", v)).startsWith("URGENT: 张桂英").contains("110");
    }
}
