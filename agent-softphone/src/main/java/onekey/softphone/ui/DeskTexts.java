package onekey.softphone.ui;

import java.util.Map;

/** The texts of the supervisors' and QA desk (issue 19: alerts, incidents board, player, QA sheet), zh and en. */
final class DeskTexts {
    private DeskTexts() {
    }

    static final Map<String, String[]> T = Map.ofEntries(
            e("desk.open", "班长台", "Desk"),
            e("desk.openCount", "班长台 (%d)", "Desk (%d)"),
            e("desk.title", "班长台 — 告警、事件、录音、质检", "Supervisor desk — alerts, incidents, recordings, QA"),
            e("desk.tab.alerts", "告警", "Alerts"),
            e("desk.tab.player", "录音", "Recordings"),
            e("pl.call", "来电编号", "Call no."),
            e("pl.load", "打开录音", "Open recording"),
            e("pl.play", "播放 (Ctrl+P)", "Play (Ctrl+P)"),
            e("pl.pause", "暂停 (Ctrl+P)", "Pause (Ctrl+P)"),
            e("pl.speed", "倍速", "Speed"),
            e("pl.volume", "音量", "Volume"),
            e("pl.download", "下载", "Download"),
            e("pl.holdReason", "保留原因", "Hold reason"),
            e("pl.hold", "保留（不删除）", "Put on hold"),
            e("pl.needCall", "请输入来电编号", "Type a call number"),
            e("pl.needReason", "请填写保留原因", "Say why it is kept"),
            e("pl.loading", "读取中…", "Loading…"),
            e("pl.noRecording", "该来电没有录音", "This call has no recording"),
            e("pl.loaded", "录音 #%d", "Recording #%d"),
            e("pl.playing", "播放中", "Playing"),
            e("pl.paused", "已暂停", "Paused"),
            e("pl.finished", "已播完", "Finished"),
            e("pl.downloaded", "已下载：%s", "Downloaded: %s"),
            e("pl.held", "录音 #%d 已保留", "Recording #%d on hold"),
            e("al.time", "时间", "Time"),
            e("al.kind", "告警", "Alert"),
            e("al.about", "涉及", "About"),
            e("al.message", "说明", "Detail"),
            e("al.state", "状态", "State"),
            e("al.open", "待处理", "Open"),
            e("al.urgentOpen", "紧急·待处理", "URGENT · open"),
            e("al.handled", "已处理（%s）%s", "Handled (%s) %s"),
            e("al.call", "来电 #%d", "Call #%d"),
            e("al.caller", "来电 %s", "Call %s"),
            e("al.incident", "事件 #%d", "Incident #%d"),
            e("al.note", "处理说明", "Note"),
            e("al.ack", "确认处理 (Ctrl+K)", "Acknowledge (Ctrl+K)"),
            e("al.chooseRow", "请先选择一条告警", "Choose an alert first"),
            e("al.acked", "告警 #%d 已处理", "Alert #%d acknowledged"),
            e("al.count", "待处理 %d 条", "%d open"),
            e("al.loadFailed", "无法读取告警：", "Could not load alerts: "),
            e("al.kind.no-agent-ready", "无空闲坐席", "No agent ready"),
            e("al.kind.overflow", "SOS 溢出到备用号码", "SOS overflow to the backup number"),
            e("al.kind.task-not-taken", "救援任务无人接", "Rescue task not taken"),
            e("al.kind.incident-escalated", "救援事件已升级", "Incident escalated"),
            e("al.kind.incident-task", "救援任务已派", "Rescue task assigned"),
            e("al.kind.follow-up-overdue", "回访超时", "Follow-up overdue"),
            e("al.kind.conference-alone", "会议中只剩老人", "Elder left alone in a conference"),
            e("al.kind.transfer-failed", "转接失败", "Transfer failed"),
            e("al.kind.broadcast-failed", "语音通知未送达", "Voice message not delivered"),
            e("al.kind.recording-missing", "录音缺失", "Recording missing"),
            e("al.kind.recordings-disk-low", "录音磁盘空间不足", "Recordings disk low"));

    private static Map.Entry<String, String[]> e(String k, String zh, String en) {
        return Map.entry(k, new String[] {zh, en});
    }
}
