package onekey.softphone.ui;

import java.util.Map;

/** The texts of the seat's workspace (issue 18 items 4 and 6: the worklist tab, the booking form), zh and en. */
final class WorkspaceTexts {
    private WorkspaceTexts() {
    }

    static final Map<String, String[]> T = Map.ofEntries(
            e("tab.pop", "来电", "Call"),
            e("tab.worklist", "待办", "Worklist"),
            e("wl.kind", "类型", "Kind"),
            e("wl.who", "对象", "Who"),
            e("wl.due", "截止", "Due"),
            e("wl.detail", "说明", "Detail"),
            e("wl.last", "上次", "Last attempt"),
            e("wl.kind.follow-up", "回访", "Follow-up"),
            e("wl.kind.call-follow-up", "回访", "Follow-up"),
            e("wl.kind.booking", "预约未确认", "Booking not confirmed"),
            e("wl.who.follow-up", "事件 #%d", "Incident #%d"),
            e("wl.who.call-follow-up", "来电 #%d", "Call #%d"),
            e("wl.who.booking", "预约 #%d", "Booking #%d"),
            e("wl.reason.incident", "救助事件已结案，回访老人", "Incident closed: call the elder back"),
            e("wl.reason.sos-call", "SOS 来电已处理，回访老人", "SOS call handled: call the elder back"),
            e("wl.reason.consult", "咨询回访，询问满意度", "Consultation: ask about satisfaction"),
            e("wl.reason.callback", "来电需回电", "Call back (the seat said so)"),
            e("wl.kind.reminder", "提醒未送达", "Reminder not heard"),
            e("wl.who.reminder", "提醒 #%d", "Reminder #%d"),
            e("wl.refresh", "刷新 (Ctrl+R)", "Refresh (Ctrl+R)"),
            e("wl.dial", "拨打 (Ctrl+D)", "Dial (Ctrl+D)"),
            e("wl.reached", "已联系上 (Ctrl+Y)", "Reached (Ctrl+Y)"),
            e("wl.notReached", "未联系上 (Ctrl+U)", "Not reached (Ctrl+U)"),
            e("wl.condition", "老人情况", "How the elder is"),
            e("wl.satisfaction", "满意度", "Satisfaction"),
            e("wl.save", "保存回访结果 (Ctrl+S)", "Save outcome (Ctrl+S)"),
            e("wl.chooseRow", "请先选择一项", "Choose an item first"),
            e("wl.needCondition", "请填写老人情况", "Say how the elder is"),
            e("wl.dialling", "正在拨打：先响您的话机", "Dialling: your phone rings first"),
            e("wl.savedDone", "已完成", "Done"),
            e("wl.savedRetry", "未联系上，稍后再拨", "Not reached: try again later"),
            e("wl.overdue", "已超时", "overdue"),
            e("wl.count", "共 %d 项", "%d items"),
            e("wl.last.dialled", "已拨打", "dialled"),
            e("wl.last.not-reached", "未联系上", "not reached"),
            e("bk.title", "预约确认（语音回拨）", "Booking confirmation (voice call-back)"),
            e("bk.template", "类型", "Kind"),
            e("bk.registration", "挂号", "Registration"),
            e("bk.taxi", "叫车", "Taxi"),
            e("bk.hospital", "医院", "Hospital"),
            e("bk.department", "科室", "Department"),
            e("bk.doctor", "医生", "Doctor"),
            e("bk.time", "时间", "Time"),
            e("bk.visitNumber", "就诊号", "Visit number"),
            e("bk.from", "出发地", "From"),
            e("bk.to", "目的地", "To"),
            e("bk.passengers", "乘车人数", "Passengers"),
            e("bk.car", "车型", "Car"),
            e("bk.plate", "车牌", "Plate"),
            e("bk.driverPhone", "司机电话", "Driver's phone"),
            e("bk.eta", "几分钟到", "Arrives in (min)"),
            e("bk.send", "发送语音确认", "Send spoken confirmation"),
            e("bk.sending", "发送中…", "Sending…"),
            e("bk.sent", "已安排 #%d", "Scheduled #%d"),
            e("bk.history", "预约记录", "Bookings"),
            e("bk.missing", "请填写：%s", "Missing: %s"),
            e("bk.state.scheduled", "已安排", "scheduled"),
            e("bk.state.calling", "呼叫中", "calling"),
            e("bk.state.confirmed", "已确认", "confirmed"),
            e("bk.state.failed", "失败", "failed"),
            e("bk.state.transferred", "已转人工", "put through"),
            e("bk.state.cancelled", "已取消", "cancelled"),
            e("bk.state.done", "已完成", "done"));

    private static Map.Entry<String, String[]> e(String k, String zh, String en) {
        return Map.entry(k, new String[] {zh, en});
    }
}
