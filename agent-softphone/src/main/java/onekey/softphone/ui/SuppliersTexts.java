package onekey.softphone.ui;

import java.util.Map;

/**
 * The texts of the suppliers' register in the dispatch desk (issue 21: 供应商 — add, edit, suspend, re-admit, end, the
 * scorecard), zh and en. Looked up here first, then in {@link I18n} (so the register needs no edit of I18n's chain).
 */
final class SuppliersTexts {
    private SuppliersTexts() {
    }

    /** The text in the window's language: this class's, else {@link I18n}'s. */
    static String t(I18n i18n, String key) {
        String[] v = T.get(key);
        return v == null ? i18n.t(key) : v[i18n.english() ? 1 : 0];
    }

    static final Map<String, String[]> T = Map.ofEntries(
            e("desk.tab.suppliers", "供应商", "Suppliers"),
            e("su.filter.state", "状态(F)", "State (F)"),
            e("su.filter.category", "类别(G)", "Category (G)"),
            e("su.all", "全部", "All"),
            e("su.allCategories", "全部类别", "All categories"),
            e("su.id", "编号", "No."),
            e("su.name", "名称", "Name"),
            e("su.categories", "服务类别", "Categories"),
            e("su.area", "服务范围", "Service area"),
            e("su.hours", "营业时间", "Hours"),
            e("su.hours.always", "全天", "always"),
            e("su.state", "状态", "State"),
            e("su.score", "综合评分", "Score"),
            e("su.quality", "服务质量", "Quality"),
            e("su.price", "价格合理", "Price"),
            e("su.satisfaction", "满意度", "Satisfaction"),
            e("su.complaintRate", "投诉率", "Complaint rate"),
            e("su.onTimeRate", "准时率", "On time"),
            e("su.ordersDone", "完成单数", "Orders done"),
            e("su.state.admitted", "准入", "admitted"),
            e("su.state.suspended", "暂停合作", "suspended"),
            e("su.state.ended", "已终止", "ended"),
            e("su.count", "共 %d 家", "%d suppliers"),
            e("su.refresh", "刷新 (Ctrl+R)", "Refresh (Ctrl+R)"),
            e("su.new", "新增供应商 (Ctrl+N)", "New supplier (Ctrl+N)"),
            e("su.save", "保存 (Ctrl+S)", "Save (Ctrl+S)"),
            e("su.suspend", "暂停合作 (Ctrl+U)", "Suspend (Ctrl+U)"),
            e("su.readmit", "恢复合作 (Ctrl+Shift+U)", "Re-admit (Ctrl+Shift+U)"),
            e("su.end", "终止合作 (Ctrl+T)", "End (Ctrl+T)"),
            e("su.loadFailed", "无法读取供应商：", "Could not load suppliers: "),
            e("su.chooseRow", "请先选择一家供应商", "Choose a supplier first"),
            e("su.saved", "供应商 #%d「%s」已保存", "Supplier #%d “%s” saved"),
            e("su.stateSet", "供应商 #%d「%s」：%s", "Supplier #%d “%s”: %s"),
            e("su.saveFailed", "未保存（表单内容保留）：", "Not saved (the form is kept): "),
            e("su.stateFailed", "状态未改变：", "State not changed: "),
            e("su.saving", "正在保存…", "Saving…"),
            e("su.area.radius", "半径 %s km", "radius %s km"),
            e("su.area.none", "—", "—"),
            // the form
            e("sf.titleNew", "新增供应商", "New supplier"),
            e("sf.titleEdit", "编辑供应商 #%d", "Edit supplier #%d"),
            e("sf.name", "名称(M)", "Name (M)"),
            e("sf.categories", "服务类别", "Categories"),
            e("sf.phones", "电话(P)，多个用逗号分隔", "Phones (P), comma-separated"),
            e("sf.lat", "纬度(A) WGS-84", "Latitude (A) WGS-84"),
            e("sf.lon", "经度(O) WGS-84", "Longitude (O) WGS-84"),
            e("sf.radius", "服务半径 km(K)", "Radius km (K)"),
            e("sf.subDistricts", "服务街道/社区(D)，逗号分隔", "Sub-districts (D), comma-separated"),
            e("sf.hours", "营业时间(H) 08:00-20:00，空=全天", "Hours (H) 08:00-20:00, empty = always"),
            e("sf.contract", "合同到期(C) yyyy-MM-dd", "Contract until (C) yyyy-MM-dd"),
            e("sf.licence", "资质到期(L) yyyy-MM-dd", "Licence until (L) yyyy-MM-dd"),
            e("sf.state", "状态(T)", "State (T)"),
            e("sf.dispatch", "派单方式(W)", "Offers by (W)"),
            e("sf.dispatch.voice", "电话（拨打第一个号码）", "voice (a call to the first phone)"),
            e("sf.dispatch.webhook", "Webhook（对方系统）", "webhook (its own system)"),
            e("sf.webhookUrl", "Webhook 地址(U)", "Webhook URL (U)"),
            e("sf.webhookKey", "Webhook 密钥(Y) ≥16 位", "Webhook key (Y) ≥ 16 characters"),
            e("sf.webhookKeySet", "已设置（留空则不变）", "set (leave empty to keep it)"),
            e("sf.scorecard", "评分卡", "Scorecard"),
            e("sf.err.lat", "纬度须为 -90 到 90 之间的数字（WGS-84，如 31.2790）",
                    "Latitude must be a number from -90 to 90 (WGS-84, e.g. 31.2790)"),
            e("sf.err.lon", "经度须为 -180 到 180 之间的数字（WGS-84，如 121.5250）",
                    "Longitude must be a number from -180 to 180 (WGS-84, e.g. 121.5250)"),
            e("sf.err.latLon", "纬度和经度须同时填写或同时留空", "Give both latitude and longitude, or neither"),
            e("sf.err.radius", "服务半径须为大于 0 的数字（公里）", "The radius must be a number above 0 (km)"),
            e("sf.err.fix", "请先改正标红的项", "Correct the fields marked in red first"));

    private static Map.Entry<String, String[]> e(String k, String zh, String en) {
        return Map.entry(k, new String[] {zh, en});
    }
}
