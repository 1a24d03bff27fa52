package onekey.softphone.ui;

import java.util.Map;

/** The texts of the dispatchers' orders board (issue 21: suppliers, work orders), zh and en. */
final class OrdersTexts {
    private OrdersTexts() {
    }

    static final Map<String, String[]> T = Map.ofEntries(
            e("desk.tab.orders", "派单", "Orders"),
            e("desk.dispatchTitle", "派单台 — 工单、供应商、投诉", "Dispatch desk — orders, suppliers, complaints"),
            e("or.filter.open", "进行中", "Open"),
            e("or.filter.late", "已超时", "Late"),
            e("or.filter.complaints", "投诉与待办", "Complaints & tasks"),
            e("or.id", "工单", "Order"),
            e("or.category", "类别", "Category"),
            e("or.need", "需求", "Need"),
            e("or.state", "状态", "State"),
            e("or.supplier", "供应商", "Supplier"),
            e("or.wanted", "期望时间", "Wanted at"),
            e("or.task", "待办", "Task"),
            e("or.pick", "派给", "Send to"),
            e("or.auto", "按排名（第一位）", "By rank (the first)"),
            e("or.dispatch", "派单 (Ctrl+D)", "Dispatch (Ctrl+D)"),
            e("or.taskDone", "待办已处理 (Ctrl+K)", "Task done (Ctrl+K)"),
            e("or.note", "处理说明", "Note"),
            e("or.chooseRow", "请先选择一张工单", "Choose an order first"),
            e("or.dispatched", "工单 #%d 已派出：%s", "Order #%d dispatched: %s"),
            e("or.taskClosed", "工单 #%d 的待办已处理", "Order #%d: task done"),
            e("or.loadFailed", "无法读取工单：", "Could not load orders: "),
            e("or.candidates", "候选供应商（就近、优质优先）", "Ranked suppliers (nearest, then best rated)"),
            e("or.offers", "派单记录", "Offers"),
            e("or.history", "流转记录", "History"),
            e("or.count", "共 %d 张", "%d orders"),
            e("or.state.created", "已创建", "created"),
            e("or.state.dispatched", "派单中", "dispatched"),
            e("or.state.accepted", "已接单", "accepted"),
            e("or.state.in-service", "服务中", "in service"),
            e("or.state.done", "已完成", "done"),
            e("or.state.called-back", "已回访", "called back"),
            e("or.state.closed", "已关闭", "closed"),
            e("or.state.cancelled", "已取消", "cancelled"),
            e("or.state.failed", "派单失败", "failed"),
            e("or.task.complaint", "投诉", "complaint"),
            e("or.task.failed", "无人接单", "nobody took it"),
            e("or.task.callback", "回访未接通", "callback unanswered"),
            e("of.title", "生活服务工单", "Life-service order"),
            e("of.kind.service", "生活服务", "Life service"),
            e("of.kind.registration", "一键挂号", "Hospital registration"),
            e("of.kind.taxi", "一键叫车", "Taxi"),
            e("of.insuranceCard", "医保卡号", "Insurance card"),
            e("of.send", "建工单 (Ctrl+J)", "Create order (Ctrl+J)"),
            e("of.need", "需求（做什么）", "What is needed"),
            e("of.wanted", "期望时间 yyyy-MM-ddTHH:mm", "Wanted at yyyy-MM-ddTHH:mm"),
            e("of.needMissing", "请填写需求", "Say what is needed"),
            e("of.wantedBad", "期望时间格式：2026-06-02T10:00", "Wanted at: e.g. 2026-06-02T10:00"),
            e("of.sending", "正在创建…", "Creating…"),
            e("of.created", "工单 #%d 已创建，候选供应商：", "Order #%d created; ranked suppliers:"),
            e("of.noCandidates", "没有可服务的供应商：请派单员处理", "No supplier can serve it: a dispatcher's task"),
            e("of.progress", "工单 #%d：%s", "Order #%d: %s"),
            e("of.failed", "工单未创建：", "Order not created: "));

    private static Map.Entry<String, String[]> e(String k, String zh, String en) {
        return Map.entry(k, new String[] {zh, en});
    }
}
