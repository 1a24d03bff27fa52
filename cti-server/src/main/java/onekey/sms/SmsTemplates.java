package onekey.sms;

import java.util.Map;

/**
 * The texts OneKey sends by itself, in Chinese and English (the contact's language; Chinese first). Placeholders
 * {elder}, {address}, {centre}, {outcome}, {message}. The signature (sms.signature) is put before each by the service.
 * Incident texts ask for "1" / "到": the reply is the contact's acknowledgement.
 */
public final class SmsTemplates {
    private SmsTemplates() {
    }

    static final Map<String, String[]> T = Map.of(
            "sos-call", new String[] {
                "{elder}刚刚按了一键通SOS紧急呼叫，中心正在接听处理。地址：{address}。中心电话{centre}。",
                "{elder} has just pressed the OneKey SOS button; the centre is taking the call. Address: {address}. "
                        + "Centre: {centre}."},
            "incident-opened", new String[] {
                "{elder}按了一键呼叫后无回应，中心正在回拨。地址：{address}。如您能前往查看，请回复1或“到”。中心电话{centre}。",
                "{elder} pressed the emergency button and does not respond; the centre is calling back. Address: "
                        + "{address}. If you can go there, reply 1. Centre: {centre}."},
            "incident-escalated", new String[] {
                "紧急：{elder}两次回拨均无回应，中心正在联系家属并将报警110。地址：{address}。如您能马上前往，请回复1或“到”。中心电话{centre}。",
                "URGENT: {elder} did not answer two call-backs; the centre is calling the contacts and will call the "
                        + "police (110). Address: {address}. If you can go now, reply 1. Centre: {centre}."},
            "incident-resolved", new String[] {
                "{elder}的紧急呼叫已处理完毕：救援人员已到达。{outcome}。中心电话{centre}。",
                "{elder}'s emergency is closed: responders arrived. {outcome}. Centre: {centre}."},
            "incident-cancelled", new String[] {
                "{elder}的报警已撤销，老人平安。中心电话{centre}。",
                "The alarm for {elder} was cancelled: they are well. Centre: {centre}."},
            "booking-confirmed", new String[] {
                "{elder}的预约已通过电话确认：{message}中心电话{centre}。",
                "{elder}'s booking was confirmed by phone: {message} Centre: {centre}."},
            "campaign", new String[] {
                "{elder}您好：{message}如需帮助请拨打{centre}。",
                "Dear {elder}: {message} If you need help, call {centre}."},
            "booking-failed", new String[] {
                "{elder}的预约确认电话多次未接通，请联系中心：{centre}。",
                "We could not reach {elder} to confirm the booking; please call the centre: {centre}."});

    /** The text of {@code template} in {@code language} ("en", else Chinese) with the values put in. */
    public static String render(String template, String language, Map<String, String> values) {
        String[] t = T.get(template);
        if (t == null) {
            throw new IllegalArgumentException("no such text template: " + template);
        }
        String s = "en".equals(language) ? t[1] : t[0];
        for (var e : values.entrySet()) {
            s = s.replace("{" + e.getKey() + "}", e.getValue() == null ? "" : e.getValue());
        }
        return s;
    }
}
