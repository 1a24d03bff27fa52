package onekey.softphone.ui;

import java.util.Map;

/** The window's texts: Chinese (zh_CN) by default, English with {@code --lang en} or the language menu. */
final class I18n {
    private static final Map<String, String[]> T = Map.ofEntries(
            e("title", "一键通 坐席软电话", "OneKey agent softphone"),
            e("login.title", "坐席登录", "Agent sign-in"),
            e("login.user", "用户名", "Username"),
            e("login.password", "密码", "Password"),
            e("login.server", "服务器", "Server"),
            e("login.ok", "登录", "Sign in"),
            e("sip.ok", "话机已注册", "Phone registered"),
            e("sip.down", "话机未注册", "Phone NOT registered"),
            e("cti.ok", "CTI 已连接", "CTI connected"),
            e("cti.down", "CTI 已断开", "CTI disconnected"),
            e("cti.ended", "会话已结束，请重新登录", "Session ended: sign in again"),
            e("degraded", "降级：", "Degraded: "),
            e("degraded.recovering", "正在自动恢复…", "recovering by itself…"),
            e("ready", "就绪 (F5)", "Ready (F5)"),
            e("pause", "示忙", "Not ready"),
            e("logout", "签出", "Log out"),
            e("answer", "接听 (F2)", "Answer (F2)"),
            e("hangup", "挂断 (F4)", "Hang up (F4)"),
            e("hold", "保持", "Hold"),
            e("mute", "静音", "Mute"),
            e("transfer.to", "转至", "To"),
            e("transfer", "转接", "Transfer"),
            e("consult", "咨询转接", "Consult"),
            e("transfer.complete", "完成转接", "Complete transfer"),
            e("conference", "三方通话", "Conference"),
            e("line2", "第二线", "Line 2"),
            e("line2.hangup", "挂断第二线", "Hang up line 2"),
            e("transfer.none", "请先选择或输入转接号码", "Choose or type a number to transfer to first"),
            e("call.contact", "拨打所选联系人", "Call selected contact"),
            e("save", "保存小结", "Save notes"),
            e("notes", "通话小结", "Notes"),
            e("disposition", "处理结果", "Disposition"),
            e("state", "状态：", "State: "),
            e("state.ready", "就绪", "Ready"),
            e("state.not-ready", "示忙", "Not ready"),
            e("state.on-call", "通话中", "On a call"),
            e("state.wrap-up", "话后整理", "Wrap-up"),
            e("state.logged-out", "已签出", "Logged out"),
            e("wrapup.left", "话后整理剩余 %d 秒", "Wrap-up: %d s left"),
            e("ringing", "来电振铃", "RINGING"),
            e("unregistered", "未登记来电", "Unregistered caller"),
            e("unavailable", "资料暂时无法读取", "Record unavailable right now"),
            e("pop.pending", "尚未收到来电资料", "caller's record not received yet"),
            e("age", "年龄", "Age"),
            e("address", "地址", "Address"),
            e("landmarks", "地标", "Landmarks"),
            e("district", "街道/区", "District"),
            e("language", "语言", "Language"),
            e("health", "健康状况", "Health conditions"),
            e("medications", "用药", "Medications"),
            e("allergies", "过敏", "Allergies"),
            e("proxyCall.missing", "未签人工代呼协议：代呼120前须征得老人或家属同意", "No proxy-call agreement on file: ask the elder or family before calling 120 for them"),
            e("mobility", "行动能力", "Mobility"),
            e("contacts", "紧急联系人", "Emergency contacts"),
            e("device", "设备", "Device"),
            e("lastCalls", "最近来电", "Last calls"),
            // the unregistered caller's form (issue 7)
            e("form.title", "新建老人档案（未登记来电）", "New elder record (unregistered caller)"),
            e("form.name", "姓名", "Name"),
            e("form.phone", "电话", "Phone"),
            e("form.relation", "关系", "Relation"),
            e("form.contact", "第一联系人", "First contact"),
            e("form.create", "建档并关联本次来电", "Create and link to this call"),
            e("form.sending", "正在保存…", "Saving…"),
            e("form.created", "已建档 #%d，已关联本次来电", "Record #%d created and linked to this call"),
            e("form.needNameAndPhone", "请填写姓名和电话", "Name and phone are required"),
            e("form.contactNeedsBoth", "联系人需填写姓名和电话", "A contact needs a name and a phone"),
            // the wallboard (issue 7)
            e("wb.title", "一键通 监控大屏", "OneKey wallboard"),
            e("wb.open", "监控大屏", "Wallboard"),
            e("wb.agents", "坐席", "Agents"),
            e("wb.queues", "排队", "Queues"),
            e("wb.calls", "进行中的通话", "Live calls"),
            e("wb.today", "今日", "Today"),
            e("wb.offered", "呼入", "Offered"),
            e("wb.answered", "接听", "Answered"),
            e("wb.within", "%d 秒内接听", "Answered ≤ %d s"),
            e("wb.abandoned", "放弃", "Abandoned"),
            e("wb.aht", "平均处理时长", "Avg handle time"),
            e("wb.chart", "今日接听等待时间", "Answer times today"),
            e("wb.agent", "坐席", "Agent"),
            e("wb.ext", "分机", "Ext."),
            e("wb.state", "状态", "State"),
            e("wb.inState", "持续", "Time in state"),
            e("wb.line", "线路", "Line"),
            e("wb.waiting", "等待", "Waiting"),
            e("wb.longest", "最长等待", "Longest wait"),
            e("wb.elder", "老人", "Elder"),
            e("wb.duration", "时长", "Duration"),
            e("wb.updated", "更新于 %s", "Updated %s"),
            e("wb.stale", "数据未更新：%s", "Not updated: %s"),
            e("caller", "来电号码", "Caller number"),
            e("menu.language", "语言", "Language"),
            e("saved", "已保存", "Saved"),
            e("reason", "示忙原因", "Reason"),
            e("line.sos", "SOS 紧急呼叫", "SOS emergency"),
            e("line.registration", "预约挂号", "Registration"),
            e("line.taxi", "叫车", "Taxi"),
            e("line.consult", "咨询", "Consultation"),
            e("line.general", "综合服务", "General"),
            e("code.resolved", "已解决", "Resolved"),
            e("code.ambulance-sent", "已派救护车", "Ambulance sent"),
            e("code.family-informed", "已通知家属", "Family informed"),
            e("code.doctor-advice", "医生指导", "Doctor's advice"),
            e("code.callback-needed", "需回访", "Call back"),
            e("code.false-alarm", "误按", "False alarm"),
            e("code.other", "其他", "Other"),
            e("code.break", "休息", "Break"),
            e("code.meal", "用餐", "Meal"),
            e("code.training", "培训", "Training"),
            e("code.meeting", "会议", "Meeting"),
            // issue 18: the silent caller and the incident workspace
            e("nr.menu", "救援", "Rescue"),
            e("nr.start", "启动无响应救援 (F9)", "Start no-response rescue (F9)"),
            e("nr.banner", "无响应：老人已 %d 秒没有说话", "NO RESPONSE: the elder has said nothing for %d s"),
            e("nr.started", "无响应救援已启动（事件 #%d）", "No-response rescue started (incident #%d)"),
            e("nr.joined", "已并入进行中的救援（事件 #%d）", "Joined the open rescue (incident #%d)"),
            // issue 18 item 2: an emergency with an elder who speaks (AB seats)
            e("em.start", "紧急救援 (F11)", "Emergency rescue (F11)"),
            e("em.started", "紧急救援（事件 #%d）：B 座席 %s 正在加入三方通话，老人不会无人陪伴",
                    "Emergency (incident #%d): seat B %s is joining the conference; the elder is never alone"),
            e("em.joined", "紧急救援（事件 #%d）：B 座席已加入，可离开通话去呼叫 120/110/119 和联系人",
                    "Emergency (incident #%d): seat B joined; you may leave to call 120/110/119 and the contacts"),
            e("em.noSeatB", "紧急救援（事件 #%d）：没有空闲的 B 座席，已通知班长；请继续陪伴老人，用第二线路外呼",
                    "Emergency (incident #%d): no second seat ready, supervisors alerted; stay with the elder, call on line 2"),
            e("em.seatBMissed", "紧急救援（事件 #%d）：B 座席 %s 未接听，已回到老人通话；班长已收到任务提醒",
                    "Emergency (incident #%d): seat B %s did not answer; back with the elder"),
            e("em.existing", "已并入进行中的救援（事件 #%d）", "Joined the open incident (#%d)"),
            e("inc.heading", "救援事件", "Incidents"),
            e("inc.title", "事件 #%d · %s", "Incident #%d · %s"),
            e("inc.state", "状态：", "State: "),
            e("inc.opened", "开始于 ", "opened "),
            e("inc.route", "到达路线", "Access route"),
            e("inc.taskA", "A 座席任务", "Seat A task"),
            e("inc.taskB", "B 座席任务", "Seat B task"),
            e("inc.noTask", "暂无", "none yet"),
            e("inc.takeA", "接受 (F6)", "Take (F6)"),
            e("inc.doneA", "完成 (F7)", "Done (F7)"),
            e("inc.takeB", "接受 (Shift+F6)", "Take (Shift+F6)"),
            e("inc.doneB", "完成 (Shift+F7)", "Done (Shift+F7)"),
            e("inc.call120", "呼叫120 (Ctrl+1)", "Call 120 (Ctrl+1)"),
            e("inc.call110", "呼叫110 (Ctrl+2)", "Call 110 (Ctrl+2)"),
            e("inc.call119", "呼叫119 (Ctrl+3)", "Call 119 (Ctrl+3)"),
            e("inc.callContact", "呼叫 %s（%s）(Ctrl+%d)", "Call %s (%s) (Ctrl+%d)"),
            e("inc.calling", "正在呼叫 %s", "Calling %s"),
            e("inc.taking", "接受任务", "Taking the task"),
            e("inc.finishing", "完成任务", "Completing the task"),
            e("inc.outcome", "救援结果", "Outcome"),
            e("inc.arrived", "救援人员已到达 (F8)", "Responders arrived (F8)"),
            e("inc.outcomeNeeded", "请先填写救援结果", "Type the outcome first"),
            e("inc.reason", "撤销原因", "Reason"),
            e("inc.cancel", "撤销报警 (Ctrl+F8)", "Cancel the alarm (Ctrl+F8)"),
            e("inc.reasonNeeded", "请先填写撤销原因", "Type the reason first"),
            e("inc.note", "救援记录", "Rescue note"),
            e("inc.addNote", "追加到老人档案 (Ctrl+N)", "Append to the record (Ctrl+N)"),
            e("inc.noteNeeded", "请先填写救援记录", "Type the note first"),
            e("inc.noteAdded", "救援记录已追加到老人档案", "Note appended to the elder's record"),
            e("inc.closed", "事件 #%d %s：%s", "Incident #%d %s: %s"),
            e("inc.loadFailed", "无法读取救援事件：", "Could not load incidents: "),
            e("inc.elderFailed", "无法读取老人档案：", "Could not read the elder's record: "));

    private static Map.Entry<String, String[]> e(String k, String zh, String en) {
        return Map.entry(k, new String[] {zh, en});
    }

    private volatile boolean english;

    I18n(boolean english) {
        this.english = english;
    }

    void english(boolean on) {
        english = on;
    }

    boolean english() {
        return english;
    }

    String t(String key) {
        String[] v = T.get(key);
        if (v == null) {
            v = WorkspaceTexts.T.get(key); // the worklist tab and the booking form (issue 18)
        }
        if (v == null) {
            v = DeskTexts.T.get(key); // the supervisors' and QA desk (issue 19)
        }
        if (v == null) {
            v = OrdersTexts.T.get(key); // the dispatchers' orders board (issue 21)
        }
        if (v == null) {
            v = SmsPane.T.get(key); // the seat's SMS pane (issue 20)
        }
        if (v == null) {
            v = DevicesTexts.T.get(key); // terminals and 驿站 (issue 24)
        }
        return v == null ? key : v[english ? 1 : 0];
    }
}
