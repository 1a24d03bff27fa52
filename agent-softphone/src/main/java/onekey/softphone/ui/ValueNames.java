package onekey.softphone.ui;

import java.util.HashMap;
import java.util.Map;

/**
 * The one table of value names (issue 18, item 8): the codes the server sends (sex, language, device kind, states,
 * dispositions, lines, incident reasons, step kinds and results, task kinds) as a seat reads them, in Chinese or in
 * English. The pop and the incident panel both use it; a value the table does not know (free text such as a
 * contact's relation typed as 儿子) is shown as it came.
 */
final class ValueNames {

    private static final Map<String, String[]> T = new HashMap<>();

    private static void put(String kind, String value, String zh, String en) {
        T.put(kind + "." + value, new String[] {zh, en});
    }

    static {
        put("sex", "female", "女", "female");
        put("sex", "f", "女", "female");
        put("sex", "male", "男", "male");
        put("sex", "m", "男", "male");
        put("language", "zh", "普通话", "Mandarin");
        put("language", "wuu", "上海话", "Shanghainese");
        put("language", "en", "English", "English");
        put("device", "one-key landline", "一键通座机", "one-key landline");
        put("device", "portable sos", "便携式紧急呼叫器", "portable SOS button");
        put("device", "smartphone", "智能手机", "smartphone");
        put("device", "set-top box", "电视机顶盒", "TV set-top box");
        put("category", "district-paid", "区政府全额补贴", "district-paid");
        put("category", "subsidised", "部分补贴", "subsidised");
        put("category", "market", "自费", "market price");
        put("line", "sos", "SOS 紧急呼叫", "SOS emergency");
        put("line", "registration", "预约挂号", "Registration");
        put("line", "taxi", "叫车", "Taxi");
        put("line", "consult", "咨询", "Consultation");
        put("line", "general", "综合服务", "General");
        put("line", "alarm", "设备报警", "Device alarm"); // issue 24: the alarm line
        put("outcome", "queued", "排队中", "queued");
        put("outcome", "ringing", "振铃中", "ringing");
        put("outcome", "answered", "已接听", "answered");
        put("outcome", "completed", "已完成", "completed");
        put("outcome", "abandoned", "未接放弃", "abandoned");
        put("outcome", "overflowed", "溢出至备用中心", "overflowed");
        put("disposition", "resolved", "已解决", "Resolved");
        put("disposition", "ambulance-sent", "已派救护车", "Ambulance sent");
        put("disposition", "family-informed", "已通知家属", "Family informed");
        put("disposition", "doctor-advice", "医生指导", "Doctor's advice");
        put("disposition", "callback-needed", "需回访", "Call back");
        put("disposition", "false-alarm", "误按", "False alarm");
        put("disposition", "other", "其他", "Other");
        put("incidentState", "redialling", "重拨中", "redialling");
        put("incidentState", "escalating", "AB 救援中", "escalating (seats A and B)");
        put("incidentState", "resolved", "已解除", "resolved");
        put("incidentState", "cancelled", "已撤销报警", "cancelled");
        put("reason", "no-response", "无响应", "no response");
        put("reason", "emergency", "紧急救援", "emergency");
        put("reason", "abandoned-sos", "SOS 来电未接通", "SOS call abandoned");
        put("reason", "check-in", "关爱回访未应答", "check-in unanswered");
        put("step", "redial", "重拨老人", "redial");
        put("step", "contact", "呼叫联系人", "contact");
        put("step", "elder-retry", "B 座席再拨老人", "seat B calls the elder");
        put("step", "task-a", "A 座席任务", "seat A task");
        put("step", "task-b", "B 座席任务", "seat B task");
        put("step", "call", "坐席外呼", "agent's call");
        put("step", "follow-up", "回访", "follow-up");
        put("step", "sos-call", "老人再次 SOS", "SOS call again");
        // issue 20: texts to the family and their replies on the incident's timeline
        put("step", "sms", "短信通知", "text");
        put("step", "sms-reply", "家属短信回复", "text reply");
        put("stepState", "planned", "待拨", "planned");
        put("stepState", "dialing", "呼叫中", "dialling");
        put("stepState", "done", "已完成", "done");
        put("stepState", "open", "待接受", "open");
        put("stepState", "taken", "已接受", "taken");
        put("result", "spoke", "老人已说话", "the elder spoke");
        put("result", "silent", "接通无声", "answered, silent");
        put("result", "no-answer", "无人接听", "no answer");
        put("result", "busy", "占线", "busy");
        put("result", "failed", "呼叫失败", "failed");
        put("result", "hung-up", "接通后挂断", "hung up");
        put("result", "unknown", "结果未知", "unknown");
        put("result", "ack", "已确认前往", "acknowledged: on the way");
        put("result", "no-ack", "听完未确认", "heard, did not acknowledge");
        put("result", "cancelled", "已取消", "cancelled");
        put("result", "joined", "并入本事件", "joined");
        put("result", "called", "已回访", "called");
        put("result", "answer", "已接通", "answered");
        put("result", "noanswer", "无人接听", "no answer");
        put("result", "congestion", "线路拥塞", "congestion");
        put("result", "chanunavail", "线路不可用", "channel unavailable");
        put("result", "done", "已完成", "done");
        put("result", "ended", "通话已结束", "call ended");
        put("result", "queued", "待发送", "queued");
        put("result", "sending", "发送中", "sending");
        put("result", "submitted", "已提交短信中心", "submitted");
        put("result", "delivered", "已送达", "delivered");
        put("result", "expired", "已过期未送达", "expired");
        put("result", "reply", "已回复（请查看）", "replied (read it)");
        // issue 20: a text step's result is a text's, not a call's ("failed" is 发送失败 there, not 呼叫失败)
        put("smsResult", "failed", "发送失败", "send failed");
        put("smsResult", "unknown", "发送结果未知", "send result unknown");
        put("smsResult", "unmatched", "未关联事件的回复", "reply to no incident");
        put("task", "call-110", "呼叫110请民警上门", "call 110 for the police to check");
        put("task", "confirm-responders", "确认救援人员到达", "confirm the responders arrived");
        put("task", "stay-with-elder", "持续联系老人", "keep calling the elder");
        put("task", "call-help", "呼叫120/110/119及联系人", "call 120/110/119 and the contacts");
        put("task", "stay-on-line", "陪伴老人通话（安抚、告知救援进展）", "stay on the line with the elder");
        put("agentState", "ready", "就绪", "Ready");
        put("agentState", "not-ready", "示忙", "Not ready");
        put("agentState", "on-call", "通话中", "On a call");
        put("agentState", "wrap-up", "话后整理", "Wrap-up");
        put("agentState", "logged-out", "已签出", "Logged out");
    }

    private final I18n i18n;

    ValueNames(I18n i18n) {
        this.i18n = i18n;
    }

    /** The name of {@code value} of {@code kind} in the window's language; the value itself when not in the table. */
    String name(String kind, String value) {
        return name(kind, value, i18n.english());
    }

    static String name(String kind, String value, boolean english) {
        if (value == null || value.isBlank()) {
            return "—";
        }
        String[] n = T.get(kind + "." + value.trim().toLowerCase(java.util.Locale.ROOT));
        return n == null ? value : n[english ? 1 : 0];
    }

    /** The result of a step of {@code stepKind}: a text step's own words where a text's result differs from a call's. */
    String stepResult(String stepKind, String result) {
        return stepResult(stepKind, result, i18n.english());
    }

    static String stepResult(String stepKind, String result, boolean english) {
        if (("sms".equals(stepKind) || "sms-reply".equals(stepKind)) && known("smsResult", result)) {
            return name("smsResult", result, english);
        }
        return name("result", result, english);
    }

    /** Whether the table names {@code value} of {@code kind}. */
    static boolean known(String kind, String value) {
        return value != null && T.containsKey(kind + "." + value.trim().toLowerCase(java.util.Locale.ROOT));
    }
}
