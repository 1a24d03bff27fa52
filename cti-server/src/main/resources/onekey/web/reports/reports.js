// The district's reports page (issue 22): sign in with the district role, pick a report, a period and a grouping,
// read the table and the chart, download XLSX / PDF, open the monthly reports. Plain JS: no build step.
"use strict";
(function () {
  const T = {
    zh: { signIn: "登录", user: "用户名", password: "密码", report: "报表", from: "开始日期", to: "结束日期",
          groupBy: "分组", run: "查询", xlsx: "下载 Excel", pdf: "下载 PDF", callList: "下载通话清单", monthly: "月度报告",
          makeMonthly: "生成上月报告", logout: "退出", period: "统计期间", total: "合计", loading: "正在查询…",
          loginFailed: "登录失败", notDistrict: "此账号无权查看报表", none: "暂无月度报告", made: "已生成",
          title: "一键通 · 服务报表", callListProgress: "正在下载通话清单：第 {p} 页，已 {n} 条…",
          callListDone: "通话清单已下载：{f}（{n} 条）", callListFailed: "通话清单下载失败：{e}",
          downloadFailed: "下载失败：{e}" },
    en: { signIn: "Sign in", user: "Username", password: "Password", report: "Report", from: "From", to: "To",
          groupBy: "Group by", run: "Show", xlsx: "Download Excel", pdf: "Download PDF", callList: "Download call list", monthly: "Monthly reports",
          makeMonthly: "Make last month's report", logout: "Sign out", period: "Period", total: "Total",
          loading: "Loading…", loginFailed: "Sign-in failed", notDistrict: "This account may not read reports",
          none: "No monthly report yet", made: "Made", title: "OneKey · Service reports",
          callListProgress: "Downloading the call list: page {p}, {n} calls so far…",
          callListDone: "Call list downloaded: {f} ({n} calls)", callListFailed: "Call list download failed: {e}",
          downloadFailed: "Download failed: {e}" }
  };
  const REPORTS = { zh: { "calls": "话务量与接通率", "answer-times": "应答与处理时长", "incidents": "紧急求助与无响应事件",
      "follow-ups": "回访", "broadcasts": "语音播报与关爱活动", "elders": "服务对象档案", "agents": "坐席工作量",
      "satisfaction": "满意度" } };
  const GROUPS = { zh: { day: "日", week: "周", month: "月", line: "服务线路", category: "服务对象类别",
      "sub-district": "街道", "care-level": "照护等级", agent: "坐席", outcome: "结果", reason: "原因", kind: "类型",
      none: "合计" } };
  const COLS = { zh: { offered: "呼入", answered: "接通", answeredWithin15s: "15秒内接通", answeredWithin60s: "60秒内接通",
      answeredWithin180s: "180秒内接通", abandoned: "放弃", avgWaitMs: "平均等待(秒)", avgHandleMs: "平均处理(含整理)(秒)",
      p90WaitMs: "90%等待(秒)", longestWaitMs: "最长等待(秒)", avgTalkMs: "平均通话(秒)", avgWrapUpMs: "平均整理(秒)",
      opened: "事件", open: "处理中", resolved: "已解决", elderAnswered: "老人回应", respondersArrived: "救援到达",
      cancelled: "撤销", avgToFirstRedialMs: "至首次回拨(秒)", avgToContactAckMs: "至联系人确认(秒)",
      avgToRespondersMs: "至救援到达(秒)", due: "应回访", done: "已回访", onTime: "按时", late: "超时完成",
      overdue: "逾期未访", notReached: "未接通", broadcasts: "播报", reached: "接听", confirmed: "确认", failed: "失败",
      inProgress: "进行中", elders: "服务对象", enrolled: "在册", newlyEnrolled: "本期新增", livingAlone: "独居",
      economicHardship: "经济困难", selfCare: "自理", assisted: "介助", nursing: "介护", careNotAssessed: "未评估",
      proxyCallAgreed: "已签代呼协议", terminalsSilent: "终端无呼叫", calls: "接听", talkMs: "通话(秒)",
      wrapUpMs: "整理(秒)", notReadyMs: "示忙(秒)", readyMs: "空闲(秒)", answers: "评价数", avgScore: "平均分",
      score1: "1分", score2: "2分", score3: "3分", score4: "4分", score5: "5分" } };
  const KEYS = { zh: { sos: "紧急求助", registration: "挂号", taxi: "叫车", consult: "咨询", general: "综合服务",
      unknown: "未知", "district-paid": "区级保障", subsidised: "部分补贴", market: "市场化", unregistered: "未登记",
      unclassified: "未分类", "self-care": "自理", assisted: "介助", nursing: "介护", "not-assessed": "未评估",
      "no-response": "无响应", "abandoned-sos": "紧急呼叫未接", "elder-answered": "老人回应",
      "responders-arrived": "救援到达", cancelled: "撤销", open: "处理中", incident: "事件回访", booking: "预约确认",
      reminder: "提醒", "check-in": "平安问候", campaign: "关爱活动", completed: "完成", abandoned: "放弃", none: "无" } };
  let lang = localStorage.getItem("onekey.lang") || "zh";
  let token = sessionStorage.getItem("onekey.token");
  let catalogue = [];
  let last = null;
  const $ = (id) => document.getElementById(id);
  const t = (k) => (T[lang] || T.zh)[k] || k;
  const name = (table, k) => lang === "zh" ? (table.zh[k] || k) : k;

  function translate() {
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
    document.querySelectorAll("[data-t]").forEach((e) => { e.textContent = t(e.dataset.t); });
    $("title").textContent = t("title");
    $("logout").textContent = t("logout");
    $("lang").textContent = lang === "zh" ? "English" : "中文";
    fillReports();
    if (last) render(last.body, last.report);
  }

  async function api(path, opts) {
    const o = Object.assign({ headers: {} }, opts || {});
    if (token) o.headers.Authorization = "Bearer " + token;
    const r = await fetch(path, o);
    if (r.status === 401) { signOut(); throw new Error("401"); }
    return r;
  }

  function fillReports() {
    const sel = $("report");
    const keep = sel.value;
    sel.innerHTML = "";
    catalogue.forEach((c) => sel.add(new Option(name(REPORTS, c.name), c.name)));
    if (keep) sel.value = keep;
    fillGroups();
  }

  function fillGroups() {
    const c = catalogue.find((x) => x.name === $("report").value);
    const sel = $("groupBy");
    const keep = sel.value;
    sel.innerHTML = "";
    (c ? c.groupBy : []).forEach((g) => sel.add(new Option(name(GROUPS, g), g)));
    if (keep && c && c.groupBy.includes(keep)) sel.value = keep;
  }

  function query(format) {
    const q = new URLSearchParams();
    if ($("from").value) q.set("from", $("from").value);
    if ($("to").value) q.set("to", $("to").value);
    q.set("groupBy", $("groupBy").value);
    if (format) q.set("format", format);
    return "/api/reports/" + encodeURIComponent($("report").value) + "?" + q;
  }

  function fmt(col, v) {
    if (v === null || v === undefined) return "—";
    if (/Ms$/.test(col)) return (v / 1000).toFixed(1);
    return String(v);
  }

  function render(body, report) {
    const c = catalogue.find((x) => x.name === report);
    const cols = c.columns;
    $("reportTitle").textContent = name(REPORTS, report) + " · " + name(GROUPS, $("groupBy").value);
    $("period").textContent = t("period") + ": " + body.from.slice(0, 16).replace("T", " ") + " — "
        + body.to.slice(0, 16).replace("T", " ");
    const thead = $("figures").tHead, tbody = $("figures").tBodies[0], tfoot = $("figures").tFoot;
    thead.innerHTML = ""; tbody.innerHTML = ""; tfoot.innerHTML = "";
    const h = thead.insertRow();
    h.insertCell().outerHTML = "<th>" + name(GROUPS, $("groupBy").value) + "</th>";
    cols.forEach((col) => { const th = document.createElement("th"); th.textContent = name(COLS, col); th.dataset.col = col; h.appendChild(th); });
    body.rows.forEach((row) => {
      const tr = tbody.insertRow();
      tr.dataset.key = row.key;
      tr.insertCell().textContent = name(KEYS, row.key);
      cols.forEach((col) => { const td = tr.insertCell(); td.className = "num"; td.dataset.col = col; td.dataset.value = row[col] === null ? "" : row[col]; td.textContent = fmt(col, row[col]); });
    });
    const f = tfoot.insertRow();
    f.dataset.key = "total";
    f.insertCell().textContent = t("total");
    cols.forEach((col) => { const td = f.insertCell(); td.className = "num"; td.dataset.col = col; td.dataset.value = body.total[col] === null ? "" : body.total[col]; td.textContent = fmt(col, body.total[col]); });
    chart(body, cols);
  }

  // a bar chart of the first column (and "answered" beside "offered" for calls), in SVG: no library
  function chart(body, cols) {
    const show = cols.includes("offered") ? ["offered", "answered", "abandoned"] : [cols[0]];
    const colours = ["#1f77b4", "#2ca02c", "#d62728"];
    const W = 760, H = 240, pad = 40;
    const max = Math.max(1, ...body.rows.flatMap((r) => show.map((c) => Number(r[c]) || 0)));
    const n = Math.max(1, body.rows.length);
    const slot = (W - pad * 2) / n, bw = Math.max(2, slot / (show.length + 1));
    let s = '<svg xmlns="http://www.w3.org/2000/svg" width="' + W + '" height="' + H + '" role="img">';
    s += '<line x1="' + pad + '" y1="' + (H - pad) + '" x2="' + (W - pad) + '" y2="' + (H - pad) + '" stroke="#555"/>';
    body.rows.forEach((r, i) => {
      show.forEach((c, j) => {
        const v = Number(r[c]) || 0, h = (H - pad * 2) * v / max;
        s += '<rect data-key="' + r.key + '" data-col="' + c + '" x="' + (pad + i * slot + j * bw + bw / 2) + '" y="' + (H - pad - h)
            + '" width="' + (bw - 1) + '" height="' + h + '" fill="' + colours[j % 3] + '"><title>' + name(COLS, c) + ' ' + v + '</title></rect>';
      });
      s += '<text x="' + (pad + i * slot + slot / 2) + '" y="' + (H - pad + 14) + '" font-size="11" text-anchor="middle">'
          + escapeXml(name(KEYS, r.key)) + '</text>';
    });
    show.forEach((c, j) => { s += '<rect x="' + (pad + j * 130) + '" y="6" width="10" height="10" fill="' + colours[j % 3] + '"/><text x="' + (pad + j * 130 + 14) + '" y="15" font-size="11">' + escapeXml(name(COLS, c)) + '</text>'; });
    $("chart").innerHTML = s + "</svg>";
  }

  function escapeXml(x) { return String(x).replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" }[c])); }

  async function run(first) {
    $("status").textContent = t("loading");
    const report = $("report").value;
    const r = await api(first ? "/api/reports/" + report + "?groupBy=" + encodeURIComponent($("groupBy").value) : query(null));
    const body = await r.json();
    if (!r.ok) { $("status").textContent = body.message || r.status; return; }
    if (first) { // the server's today: the period of a report asked without dates
      $("from").value = body.from.slice(0, 10);
      $("to").value = body.from.slice(0, 10);
    }
    last = { body, report };
    render(body, report);
    $("status").textContent = "";
    document.body.dataset.loaded = String(Date.now());
  }

  // "{x}" in a text replaced by vars.x
  const tf = (k, vars) => t(k).replace(/\{(\w+)\}/g, (m, v) => String(vars[v]));

  // why a request failed, in words: the server's message when it gave one, else the HTTP status
  async function failure(r) {
    let msg = "HTTP " + r.status;
    try { const b = await r.json(); if (b && b.message) msg += " " + b.message; } catch (e) { /* not JSON */ }
    return msg;
  }

  async function download(path, fallbackName) {
    try {
      const r = await api(path);
      if (!r.ok) { $("status").textContent = tf("downloadFailed", { e: await failure(r) }); return; }
      const m = /filename="([^"]+)"/.exec(r.headers.get("Content-Disposition") || "");
      save(await r.blob(), m ? m[1] : fallbackName);
    } catch (e) {
      $("status").textContent = tf("downloadFailed", { e: e.message || e });
    }
  }

  // hands the browser one file made in the page (a Blob behind a download link)
  function save(blob, fileName) {
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = fileName;
    document.body.appendChild(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 60000);
    document.body.dataset.downloaded = fileName;
  }

  // the raw call list of the chosen period (no personal data): every page of GET /api/reports/call-list, following
  // X-Next-Cursor until the last, saved as one CSV file (the BOM and the header come with the first page only, so the
  // pages' bytes joined are the file); the progress and any failure shown in the status line
  let callListRunning = false;
  async function callList() {
    if (callListRunning) return;
    callListRunning = true;
    const button = $("callList");
    button.disabled = true;
    const q = new URLSearchParams();
    if ($("from").value) q.set("from", $("from").value);
    if ($("to").value) q.set("to", $("to").value);
    q.set("limit", button.dataset.pageSize || "5000");
    const parts = [];
    let cursor = null, page = 0, rows = 0;
    let fileName = "onekey-calls-" + ($("from").value || "today") + "_" + ($("to").value || $("from").value || "today") + ".csv";
    try {
      do {
        $("status").textContent = tf("callListProgress", { p: page + 1, n: rows });
        const r = await api("/api/reports/call-list?" + q + (cursor ? "&cursor=" + encodeURIComponent(cursor) : ""));
        if (!r.ok) throw new Error(await failure(r));
        if (page === 0) {
          const m = /filename="([^"]+)"/.exec(r.headers.get("Content-Disposition") || "");
          if (m) fileName = m[1];
        }
        const bytes = await r.arrayBuffer(); // the bytes as sent: text() would drop the first page's BOM
        rows += (new TextDecoder().decode(bytes).match(/\r\n/g) || []).length - (page === 0 ? 1 : 0);
        parts.push(bytes);
        cursor = r.headers.get("X-Next-Cursor");
        page++;
      } while (cursor);
      save(new Blob(parts, { type: "text/csv;charset=utf-8" }), fileName);
      $("status").textContent = tf("callListDone", { f: fileName, n: rows });
      document.body.dataset.callList = JSON.stringify({ file: fileName, pages: page, rows: rows });
    } catch (e) {
      $("status").textContent = tf("callListFailed", { e: e.message || e });
      document.body.dataset.callListError = String(e.message || e);
    } finally {
      button.disabled = false;
      callListRunning = false;
    }
  }

  async function monthly() {
    const r = await api("/api/reports/monthly");
    const list = await r.json();
    const ul = $("monthly");
    ul.innerHTML = "";
    if (!list.length) { ul.innerHTML = "<li>" + t("none") + "</li>"; return; }
    const byMonth = {};
    list.forEach((f) => { (byMonth[f.month] = byMonth[f.month] || []).push(f); });
    Object.keys(byMonth).sort().reverse().forEach((m) => {
      const li = document.createElement("li");
      li.append(m + " ");
      byMonth[m].forEach((f) => {
        const a = document.createElement("a");
        a.href = "#"; a.textContent = f.format.toUpperCase(); a.dataset.file = f.name;
        a.onclick = (e) => { e.preventDefault(); download("/api/reports/monthly/" + encodeURIComponent(f.name), f.name); };
        li.append(a);
      });
      ul.append(li);
    });
  }

  async function enter() {
    $("login").hidden = true; $("app").hidden = false; $("logout").hidden = false;
    $("who").textContent = sessionStorage.getItem("onekey.who") || "";
    const r = await api("/api/reports");
    if (r.status === 403) { $("status").textContent = t("notDistrict"); return; }
    catalogue = await r.json();
    fillReports();
    $("report").value = "calls";
    fillGroups();
    $("groupBy").value = "line";
    await run(true);
    await monthly();
  }

  function signOut() {
    if (token) fetch("/api/logout", { method: "POST", headers: { Authorization: "Bearer " + token } });
    token = null; sessionStorage.removeItem("onekey.token");
    $("login").hidden = false; $("app").hidden = true; $("logout").hidden = true;
  }

  $("loginForm").addEventListener("submit", async (e) => {
    e.preventDefault();
    $("loginError").textContent = "";
    const r = await fetch("/api/login", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: $("user").value, password: $("password").value }) });
    const b = await r.json();
    if (!r.ok) { $("loginError").textContent = t("loginFailed") + ": " + (b.message || r.status); return; }
    token = b.token;
    sessionStorage.setItem("onekey.token", token);
    sessionStorage.setItem("onekey.who", b.displayName || b.username);
    $("password").value = "";
    enter();
  });
  $("query").addEventListener("submit", (e) => { e.preventDefault(); run(false); });
  $("report").addEventListener("change", fillGroups);
  $("xlsx").addEventListener("click", () => download(query("xlsx"), "report.xlsx"));
  $("pdf").addEventListener("click", () => download(query("pdf"), "report.pdf"));
  $("callList").addEventListener("click", callList);
  $("makeMonthly").addEventListener("click", async () => { await api("/api/reports/monthly", { method: "POST" }); monthly(); });
  $("logout").addEventListener("click", signOut);
  $("lang").addEventListener("click", () => { lang = lang === "zh" ? "en" : "zh"; localStorage.setItem("onekey.lang", lang); translate(); });
  translate();
  document.body.dataset.ready = "1"; // the page's handlers are in place (a test signs in only then)
  if (token) enter();
})();
