// The submission page of one unit (/nop/<secret>): what the unit has sent,
// a file checked before it is sent (POST /api/submissions?dry_run=true),
// then sent (Nộp) or dropped (Hủy), and the receipt, which prints.
//
// The secret is the last part of the page's address; it goes to the API in
// the Authorization header only (never in a URL the page builds, a cookie
// or a form), so no other site's page can send a file in the unit's name.
// Texts from the server (unit names, file names, reasons) go into the page
// as text nodes (h), never as markup.
import { lang, start, ready, h, fill, table, fmt, fmtDateTime, fmtDate } from './app.js';

const dict = {
  vi: {
    title: 'Nộp báo cáo', send: 'Gửi tệp báo cáo', drop: 'Kéo tệp báo cáo thả vào đây, hoặc', choose: 'Chọn tệp…',
    commit: 'Nộp', cancel: 'Hủy', receipt: 'Biên nhận nộp báo cáo', print: 'In biên nhận', again: 'Nộp tệp khác',
    periods: 'Các kỳ báo cáo', files: 'Các tệp đã nộp qua cổng',
    limits: (mb) => `Nhận tệp Excel (.xlsx: biểu mẫu hoặc bảng dài), CSV, JSON, văn bản (.txt, .docx); tối đa ${mb} MiB. Tệp được kiểm tra trước, chỉ được nộp khi bấm Nộp.`,
    link: (id, exp) => `Mã liên kết ${id}${exp ? ` · hiệu lực đến hết ngày ${exp}` : ''}`,
    checking: (name) => `Đang kiểm tra tệp ${name}…`,
    sending: 'Đang nộp…',
    checked: (ms) => `Đã kiểm tra trong ${ms} ms.`,
    summary: (a, r) => `${a} giá trị sẽ được nhận, ${r} giá trị bị từ chối.`,
    'acc.title': 'Số liệu sẽ được nhận', 'ref.title': 'Số liệu bị từ chối',
    'ref.note': 'Các dòng bị từ chối không được nộp; các số liệu đúng vẫn được nhận. Có thể sửa tệp rồi gửi lại bất cứ lúc nào.',
    'warn.title': 'Cảnh báo: phần không được đọc hoặc chưa kiểm tra được',
    'warn.note': 'Các cảnh báo không làm giá trị nào bị từ chối; hãy xem lại nếu phần được nêu có số liệu cần nộp.',
    'file.error': 'Không đọc được tệp', 'ch.title': 'So với số liệu đã nhận trước đây',
    'ch.none': 'Đây là số liệu mới: chưa có báo cáo nào trước đây cho các kỳ này.',
    'ch.replaces': (n) => `Tệp này thay ${n} giá trị đã nhận trước đây:`,
    'ch.same': (n) => `${n} giá trị giống hệt số đã nhận.`, 'ch.new': (n) => `${n} giá trị mới.`,
    'ch.kept': (n) => `${n} giá trị đã nhận của các kỳ này không có trong tệp: vẫn giữ nguyên.`,
    'ch.earlier': 'Báo cáo trước đây', 'ch.pending': 'đã nộp qua cổng, chờ cập nhật',
    'ch.unpublished': 'Chưa có dữ liệu nào được công bố để so sánh.',
    'col.period': 'Kỳ', 'col.indicator': 'Chỉ tiêu', 'col.breakdown': 'Phân tổ', 'col.value': 'Giá trị',
    'col.ref': 'Vị trí', 'col.cell': 'Ô / dòng', 'col.column': 'Cột', 'col.given': 'Giá trị ghi', 'col.reason': 'Lý do',
    'col.fix': 'Cách sửa', 'col.old': 'Số cũ', 'col.new': 'Số mới', 'col.source': 'Nguồn số cũ', 'col.unit': 'Đơn vị',
    'col.received': 'Nhận lúc', 'col.file': 'Tệp', 'col.code': 'Mã xác nhận', 'col.accepted': 'Nhận', 'col.refused': 'Từ chối',
    'col.dashboard': 'Bảng điều khiển', 'col.status': 'Trạng thái',
    'nothing': 'Không có giá trị nào được nhận: hãy sửa các lỗi trên rồi gửi lại tệp.',
    'commit.note': 'Bấm Nộp để gửi chính thức; Hủy để bỏ, không có gì được lưu.',
    dup: (at) => `Tệp này đã được nhận lúc ${at}; gửi lại không thay đổi gì.`,
    'r.unit': 'Đơn vị', 'r.at': 'Thời điểm nhận', 'r.file': 'Tệp', 'r.code': 'Mã xác nhận', 'r.hash': 'Mã băm SHA-256 của tệp',
    'r.values': 'Số liệu', 'r.values.v': (a, r) => `${a} giá trị được nhận, ${r} bị từ chối`, 'r.periods': 'Kỳ báo cáo',
    'r.link': 'Mã liên kết', 'r.dashboard': 'Lên bảng điều khiển',
    'r.keep': 'Giữ biên nhận này (in ra hoặc ghi lại mã xác nhận) làm bằng chứng đã nộp.',
    'dash.published': 'Đã có trên bảng điều khiển.',
    'dash.refreshing': 'Dữ liệu đang được cập nhật; số liệu sẽ lên bảng điều khiển trong vài phút.',
    'dash.scheduled': (at) => `Số liệu sẽ lên bảng điều khiển sau lần cập nhật lúc ${at}.`,
    'dash.manual': 'Số liệu sẽ lên bảng điều khiển ở lần cập nhật dữ liệu tiếp theo.',
    'sent.none': 'Chưa có báo cáo nào của đơn vị trên bảng điều khiển.',
    'sent.pending': 'đã nộp, chờ cập nhật', 'sent.on': 'đã có trên bảng điều khiển',
    'sent.others': 'Các kỳ khác đã gửi', 'col.deadline': 'Hạn nộp',
    'owed.on_time': 'đã nộp đúng hạn', 'owed.late': 'đã nộp, trễ hạn', 'owed.missing': 'chưa nộp, đã quá hạn',
    'owed.pending': 'chưa nộp, chưa đến hạn', 'owed.parts': 'đã có',
    'files.none': 'Chưa nộp tệp nào qua cổng.',
    'too.big': (mb) => `Tệp lớn hơn giới hạn ${mb} MiB nên không gửi được.`,
    'err.net': 'Không kết nối được máy chủ; hãy kiểm tra mạng rồi thử lại.',
    more: (n, shown) => `… và ${n} dòng nữa (chỉ hiện ${shown} dòng đầu).`,
    total: 'Tổng số', yes: 'có', no: 'không',
    q: { approx: 'khoảng', at_least: 'trên', at_most: 'dưới' },
  },
  en: {
    title: 'Send a report', send: 'Send a report file', drop: 'Drop the report file here, or', choose: 'Choose a file…',
    commit: 'Send', cancel: 'Cancel', receipt: 'Receipt of the report', print: 'Print the receipt', again: 'Send another file',
    periods: 'Reporting periods', files: 'Files sent through this portal',
    limits: (mb) => `Excel (.xlsx: form or long table), CSV, JSON and text (.txt, .docx) files, up to ${mb} MiB. A file is checked first and sent only when you press Send.`,
    link: (id, exp) => `Link ${id}${exp ? ` · valid through ${exp}` : ''}`,
    checking: (name) => `Checking ${name}…`,
    sending: 'Sending…',
    checked: (ms) => `Checked in ${ms} ms.`,
    summary: (a, r) => `${a} values would be accepted, ${r} refused.`,
    'acc.title': 'Values that would be accepted', 'ref.title': 'Values refused',
    'ref.note': 'Refused rows are not sent; the good values are accepted all the same. You can fix the file and send it again at any time.',
    'warn.title': 'Warnings: what was not read or could not be checked',
    'warn.note': 'Warnings refuse no value; look again if what they name holds figures that should be sent.',
    'file.error': 'The file cannot be read', 'ch.title': 'Compared with what was received before',
    'ch.none': 'These are new figures: no earlier report for these periods.',
    'ch.replaces': (n) => `This file replaces ${n} values received before:`,
    'ch.same': (n) => `${n} values are the same as received before.`, 'ch.new': (n) => `${n} new values.`,
    'ch.kept': (n) => `${n} values received before for these periods are not in the file: they stay as they are.`,
    'ch.earlier': 'Earlier reports', 'ch.pending': 'sent through the portal, waiting for the update',
    'ch.unpublished': 'Nothing is published yet to compare with.',
    'col.period': 'Period', 'col.indicator': 'Indicator', 'col.breakdown': 'Breakdown', 'col.value': 'Value',
    'col.ref': 'Where', 'col.cell': 'Cell / row', 'col.column': 'Column', 'col.given': 'Written', 'col.reason': 'Reason',
    'col.fix': 'How to fix', 'col.old': 'Old', 'col.new': 'New', 'col.source': 'Source of the old value', 'col.unit': 'Unit',
    'col.received': 'Received', 'col.file': 'File', 'col.code': 'Confirmation code', 'col.accepted': 'Accepted', 'col.refused': 'Refused',
    'col.dashboard': 'Dashboard', 'col.status': 'Status',
    'nothing': 'No value would be accepted: fix the problems above and send the file again.',
    'commit.note': 'Press Send to send it; Cancel drops it and nothing is kept.',
    dup: (at) => `This file was already received at ${at}; sending it again changes nothing.`,
    'r.unit': 'Unit', 'r.at': 'Received at', 'r.file': 'File', 'r.code': 'Confirmation code', 'r.hash': 'SHA-256 of the file',
    'r.values': 'Values', 'r.values.v': (a, r) => `${a} accepted, ${r} refused`, 'r.periods': 'Periods',
    'r.link': 'Link id', 'r.dashboard': 'On the dashboard',
    'r.keep': 'Keep this receipt (print it or note the confirmation code) as proof of sending.',
    'dash.published': 'Already on the dashboard.',
    'dash.refreshing': 'The data is being updated; the figures will be on the dashboard in a few minutes.',
    'dash.scheduled': (at) => `The figures will be on the dashboard after the update at ${at}.`,
    'dash.manual': 'The figures will be on the dashboard after the next data update.',
    'sent.none': 'No report of the unit is on the dashboard yet.',
    'sent.pending': 'sent, waiting for the update', 'sent.on': 'on the dashboard',
    'sent.others': 'Other periods sent', 'col.deadline': 'Deadline',
    'owed.on_time': 'sent on time', 'owed.late': 'sent late', 'owed.missing': 'not sent, overdue',
    'owed.pending': 'not sent yet, not due yet', 'owed.parts': 'received',
    'files.none': 'No file sent through the portal yet.',
    'too.big': (mb) => `The file is larger than the ${mb} MiB limit and cannot be sent.`,
    'err.net': 'Cannot reach the server; check the network and try again.',
    more: (n, shown) => `… and ${n} more rows (the first ${shown} are shown).`,
    total: 'Total', yes: 'yes', no: 'no',
    q: { approx: 'about', at_least: 'more than', at_most: 'less than' },
  },
};

function t(key, ...args) {
  const v = dict[lang][key] ?? dict.vi[key] ?? key;
  return typeof v === 'function' ? v(...args) : v;
}

const secret = decodeURIComponent(location.pathname.split('/')[2] || '');
const auth = { Authorization: `Bearer ${secret}` };
const el = (id) => document.getElementById(id);

/** periodLabel writes a period code in words. */
function periodLabel(code) {
  let m;
  const en = lang === 'en';
  if ((m = /^(\d{4})$/.exec(code))) return en ? `Year ${m[1]}` : `Năm ${m[1]}`;
  if ((m = /^(\d{4})-H([12])$/.exec(code))) {
    if (en) return `${m[2] === '1' ? 'First' : 'Second'} half of ${m[1]}`;
    return `6 tháng ${m[2] === '1' ? 'đầu' : 'cuối'} năm ${m[1]}`;
  }
  if ((m = /^(\d{4})-Q([1-4])$/.exec(code))) return en ? `Q${m[2]} ${m[1]}` : `Quý ${['I', 'II', 'III', 'IV'][m[2] - 1]}/${m[1]}`;
  if ((m = /^(\d{4})-(\d{2})$/.exec(code))) return en ? `${m[2]}/${m[1]}` : `Tháng ${Number(m[2])}/${m[1]}`;
  if ((m = /^(\d{4})\.\.(\d{4})$/.exec(code))) return en ? `${m[1]}–${m[2]}` : `Giai đoạn ${m[1]}–${m[2]}`;
  if ((m = /^to-date@(\d{4})-(\d{2})$/.exec(code))) return en ? `To ${m[2]}/${m[1]}` : `Đến tháng ${Number(m[2])}/${m[1]}`;
  return code;
}

function valueText(v, q) {
  const word = dict[lang].q[q];
  return `${word ? `${word} ` : ''}${fmt(v, 2)}`;
}

// The server's limit is counted in MiB (2^20 bytes), as Windows counts the
// "MB" it shows.
function mb(bytes) { return Math.round(bytes / (1 << 20)); }

function dashboardText(d) {
  if (!d) return '';
  if (d.when === 'scheduled') return t('dash.scheduled', fmtDateTime(d.next));
  return t(`dash.${d.when}`);
}

/** errorText is a refusal's words in the page's language. */
function errorText(body, status) {
  if (body && (body.error || body.error_en)) return lang === 'en' ? (body.error_en || body.error) : body.error;
  return `HTTP ${status}`;
}

async function api(path, opts = {}) {
  let res;
  try {
    res = await fetch(path, { ...opts, headers: { ...auth, ...(opts.headers || {}) }, cache: 'no-store', credentials: 'omit' });
  } catch {
    return { ok: false, status: 0, body: { error: dict.vi['err.net'], error_en: dict.en['err.net'] } };
  }
  let body = null;
  try { body = await res.json(); } catch { body = null; }
  return { ok: res.ok, status: res.status, body };
}

let ctx = null; // GET /api/submissions
let chosen = null; // the File checked, and its preview's hash

async function loadContext() {
  const r = await api('/api/submissions');
  if (!r.ok) {
    fill('main', h('section', { class: 'link-state', role: 'alert' }, h('p', null, errorText(r.body, r.status))));
    return false;
  }
  ctx = r.body;
  const u = ctx.unit;
  fill('unit-title', u.level === 'province' ? u.title : `${u.title} · ${u.province_name}`);
  fill('link-line', t('link', ctx.link.id, ctx.link.last_day ? fmtDate(ctx.link.last_day) : ''));
  fill('limits', t('limits', mb(ctx.max_bytes)));
  renderSent();
  renderFiles();
  return true;
}

function renderSent() {
  const owed = ctx.owed || [];
  const sent = ctx.sent || [];
  if (owed.length > 0) {
    const owedCodes = new Set(owed.map((o) => o.period));
    const others = sent.filter((s) => !owedCodes.has(s.period));
    fill('periods-body', table([
      { label: t('col.period'), value: (o) => [periodLabel(o.period), h('br'), h('span', { class: 'hint' }, lang === 'en' ? o.label_en : o.label_vi)] },
      { label: t('col.deadline'), nowrap: true, value: (o) => fmtDate(o.deadline) },
      { label: t('col.status'), value: (o) => h('span', { class: `owed ${o.status}` }, t(`owed.${o.status}`),
        o.parts.length ? ` (${t('owed.parts')}: ${o.parts.map(periodLabel).join(', ')})` : '') },
      { label: t('col.received'), nowrap: true, value: (o) => (o.received ? [fmtDate(o.received), o.waiting ? h('span', { class: 'hint' }, ` · ${t('sent.pending')}`) : ''] : '–') },
    ], owed, { id: 'owed' }),
    others.length ? h('p', { class: 'hint' }, `${t('sent.others')}: `, others.map((s) => periodLabel(s.period)).join(', ')) : null);
    return;
  }
  fill('periods-body', sent.length === 0 ? h('p', { class: 'hint' }, t('sent.none')) : table([
    { label: t('col.period'), value: (s) => periodLabel(s.period) },
    { label: t('col.received'), nowrap: true, value: (s) => (s.received ? fmtDate(s.received.slice(0, 10)) : '–') },
    { label: t('col.status'), value: (s) => (s.pending ? t('sent.pending') : t('sent.on')) },
  ], sent, { id: 'sent' }));
}

function renderFiles() {
  const rows = ctx.files || [];
  fill('files-body', rows.length === 0 ? h('p', { class: 'hint' }, t('files.none')) : table([
    { label: t('col.received'), nowrap: true, value: (f) => fmtDateTime(f.received_at) },
    { label: t('col.file'), value: (f) => f.file.name || '–' },
    { label: t('col.code'), nowrap: true, value: (f) => h('a', { href: `?${new URLSearchParams({ ...(lang === 'en' ? { lang: 'en' } : {}), receipt: f.file.sha256 })}` }, h('code', null, f.file.code)) },
    { label: t('col.accepted'), num: true, value: (f) => fmt(f.accepted, 0) },
    { label: t('col.refused'), num: true, value: (f) => fmt(f.refused, 0) },
    { label: t('col.dashboard'), value: (f) => h('span', { title: dashboardText(f.dashboard) }, f.dashboard.when === 'published' ? t('sent.on') : t('sent.pending')) },
  ], rows, { id: 'files-table' }));
}

function status(text, cls) {
  fill('status', text ? h('p', { class: cls || null }, text) : null);
}

function reset() {
  chosen = null;
  el('file').value = '';
  fill('result');
  status('');
  el('actions').hidden = true;
}

async function check(file) {
  reset();
  el('receipt').hidden = true;
  if (file.size > ctx.max_bytes) {
    status(t('too.big', mb(ctx.max_bytes)), 'error');
    return;
  }
  status(t('checking', file.name));
  const form = new FormData();
  form.append('file', file, file.name);
  const t0 = performance.now();
  const r = await api('/api/submissions?dry_run=true', { method: 'POST', body: form });
  const ms = Math.round(performance.now() - t0);
  document.body.dataset.previewMs = String(ms);
  if (!r.ok) {
    status(errorText(r.body, r.status), 'error');
    if (r.body && r.body.preview) renderPreview(r.body.preview);
    return;
  }
  if (r.body.status === 'already_received') {
    status(t('dup', fmtDateTime(r.body.receipt.received_at)), 'notice');
    renderReceipt(r.body.receipt, el('result'));
    el('result').dataset.state = 'duplicate';
    return;
  }
  status(t('checked', ms));
  chosen = { file, hash: r.body.preview.file.sha256 };
  renderPreview(r.body.preview);
  const none = r.body.preview.accepted_count === 0;
  el('commit').disabled = none;
  fill('actions-note', none ? t('nothing') : t('commit.note'));
  el('actions').hidden = false;
  el('result').dataset.state = 'preview';
}

function renderPreview(pv) {
  const parts = [h('p', { class: 'summary', id: 'summary' }, t('summary', pv.accepted_count, pv.refused_count))];
  if (pv.file_error) {
    parts.push(h('div', { class: 'error', id: 'file-error', role: 'alert' },
      h('h3', null, t('file.error')),
      h('p', null, lang === 'en' ? pv.file_error.reason_en : pv.file_error.reason),
      pv.file_error.fix ? h('p', null, lang === 'en' ? pv.file_error.fix_en : pv.file_error.fix) : null));
  }
  if (pv.refused.length > 0) {
    parts.push(h('h3', null, t('ref.title')), h('ol', { class: 'refusals', id: 'refused' }, pv.refused.map((e) => h('li', null,
      h('p', { class: 'where' }, e.ref, e.column ? ` · ${t('col.column')} ${e.column}` : '', e.value !== '' ? ` · ${t('col.given')} “${e.value}”` : ''),
      h('p', { class: 'reason' }, lang === 'en' ? e.reason_en : e.reason),
      (lang === 'en' ? e.fix_en : e.fix) ? h('p', { class: 'fix' }, lang === 'en' ? e.fix_en : e.fix) : null))),
    more(pv.refused_count, pv.refused.length), h('p', { class: 'hint' }, t('ref.note')));
  }
  if (pv.warnings && pv.warnings.length > 0) {
    parts.push(h('h3', null, t('warn.title')), h('ol', { class: 'refusals warnings', id: 'warnings' }, pv.warnings.map((e) => h('li', null,
      h('p', { class: 'where' }, e.ref, e.column ? ` · ${t('col.column')} ${e.column}` : '', e.value !== '' ? ` · ${t('col.given')} “${e.value}”` : ''),
      h('p', { class: 'reason' }, lang === 'en' ? e.reason_en : e.reason),
      (lang === 'en' ? e.fix_en : e.fix) ? h('p', { class: 'fix' }, lang === 'en' ? e.fix_en : e.fix) : null))),
    more(pv.warning_count, pv.warnings.length), h('p', { class: 'hint' }, t('warn.note')));
  }
  if (pv.accepted.length > 0) {
    const rows = [];
    for (const g of pv.accepted) {
      for (const v of g.values) rows.push({ g, v });
    }
    const many = new Set(pv.accepted.map((g) => g.unit_code)).size > 1;
    const cols = [];
    if (many) cols.push({ label: t('col.unit'), value: (r) => r.g.unit_name });
    cols.push(
      { label: t('col.period'), nowrap: true, value: (r) => periodLabel(r.g.period) },
      { label: t('col.indicator'), value: (r) => (lang === 'en' ? r.g.label_en : r.g.label_vi) },
      { label: t('col.breakdown'), value: (r) => (r.v.disaggregation === 'total' ? t('total') : (lang === 'en' ? r.v.label_en : r.v.label_vi)) },
      { label: t('col.value'), num: true, value: (r) => h('span', null, valueText(r.v.value, r.v.qualifier), ' ', h('span', { class: 'unit' }, r.g.unit)) },
      { label: t('col.ref'), nowrap: true, value: (r) => r.v.ref },
    );
    parts.push(h('h3', null, t('acc.title')), table(cols, rows, { id: 'accepted' }), more(pv.accepted_count, rows.length));
  }
  if (pv.changes) parts.push(renderChanges(pv.changes));
  fill('result', parts);
}

/** more says how many rows a list left out (the server lists the first ones). */
function more(total, shown) {
  return total > shown ? h('p', { class: 'hint' }, t('more', total - shown, shown)) : null;
}

function renderChanges(ch) {
  const out = [h('h3', null, t('ch.title'))];
  if (!ch.published && ch.earlier.length === 0) {
    out.push(h('p', null, t('ch.unpublished')));
    return h('div', { id: 'changes' }, out);
  }
  if (ch.earlier.length === 0) {
    out.push(h('p', null, t('ch.none')));
    return h('div', { id: 'changes' }, out);
  }
  if (ch.changed.length > 0) {
    out.push(h('p', null, t('ch.replaces', ch.changed_count)), table([
      { label: t('col.period'), nowrap: true, value: (c) => periodLabel(c.period) },
      { label: t('col.indicator'), value: (c) => c.indicator },
      { label: t('col.breakdown'), value: (c) => (c.disaggregation === 'total' ? t('total') : c.disaggregation) },
      { label: t('col.old'), num: true, value: (c) => valueText(c.old, c.old_qualifier) },
      { label: t('col.new'), num: true, value: (c) => valueText(c.new, c.new_qualifier) },
      { label: t('col.source'), value: (c) => `${c.old_source}${c.pending ? ` (${t('ch.pending')})` : ''}` },
    ], ch.changed, { id: 'changed' }), more(ch.changed_count, ch.changed.length));
  }
  const notes = [];
  if (ch.same > 0) notes.push(t('ch.same', ch.same));
  if (ch.new > 0) notes.push(t('ch.new', ch.new));
  if (ch.kept > 0) notes.push(t('ch.kept', ch.kept));
  if (notes.length) out.push(h('p', null, notes.join(' ')));
  out.push(h('p', { class: 'hint' }, `${t('ch.earlier')}: `, ch.earlier.map((e, i) => [i ? '; ' : '',
    `${periodLabel(e.period)}: ${e.source}${e.received ? ` (${fmtDateTime(e.received)})` : ''}${e.pending ? `, ${t('ch.pending')}` : ''}`])));
  return h('div', { id: 'changes' }, out);
}

async function commit() {
  if (!chosen) return;
  el('commit').disabled = true;
  status(t('sending'));
  const form = new FormData();
  form.append('file', chosen.file, chosen.file.name);
  const r = await api(`/api/submissions?expect=${encodeURIComponent(chosen.hash)}`, { method: 'POST', body: form });
  if (!r.ok) {
    el('commit').disabled = false;
    status(errorText(r.body, r.status), 'error');
    return;
  }
  const rc = r.body.receipt;
  reset();
  if (r.body.status === 'already_received') status(t('dup', fmtDateTime(rc.received_at)), 'notice');
  showReceipt(rc);
  await loadContext();
}

function renderReceipt(rc, into) {
  const dl = (k, v, id) => [h('dt', null, t(k)), h('dd', { id: id || null }, v)];
  fill(into, h('dl', { class: 'receipt-list' },
    dl('r.unit', rc.unit.title ? `${rc.unit.title} (${rc.unit.code})` : '–'),
    dl('r.at', fmtDateTime(rc.received_at), 'receipt-at'),
    dl('r.file', `${rc.file.name || '–'} (${fmt(rc.file.size / 1024, 1)} KB, ${rc.file.type})`),
    dl('r.code', h('strong', { class: 'code' }, rc.file.code), 'receipt-code'),
    dl('r.hash', h('code', { class: 'hash' }, rc.file.sha256), 'receipt-hash'),
    dl('r.values', t('r.values.v', rc.accepted, rc.refused)),
    dl('r.periods', (rc.periods || []).map(periodLabel).join(', ') || '–'),
    dl('r.link', rc.link || '–'),
    dl('r.dashboard', dashboardText(rc.dashboard), 'receipt-dashboard')),
  h('p', { class: 'hint' }, t('r.keep')));
}

function showReceipt(rc) {
  renderReceipt(rc, el('receipt-body'));
  el('receipt').hidden = false;
  el('receipt').dataset.status = rc.status;
  el('receipt').scrollIntoView({ block: 'start' });
}

function wire() {
  el('file').addEventListener('change', () => { const f = el('file').files[0]; if (f) check(f); });
  const drop = el('drop');
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const f = e.dataTransfer.files[0];
    if (f) check(f);
  });
  el('commit').addEventListener('click', commit);
  el('cancel').addEventListener('click', () => { reset(); status(''); });
  el('print').addEventListener('click', () => window.print());
  el('again').addEventListener('click', () => { el('receipt').hidden = true; reset(); el('file').focus(); });
}

function translate() {
  for (const node of document.querySelectorAll('[data-t]')) {
    const v = dict[lang][node.dataset.t];
    if (typeof v === 'string') node.textContent = v;
  }
}

async function main() {
  start(null);
  translate();
  if (document.body.dataset.link !== 'active') {
    ready();
    return;
  }
  if (!(await loadContext())) {
    ready();
    return;
  }
  el('portal').hidden = false;
  document.title = `${t('title')} – ${ctx.unit.title}`;
  wire();
  const want = new URLSearchParams(location.search).get('receipt');
  if (want) {
    const r = await api(`/api/submissions/${encodeURIComponent(want)}`);
    if (r.ok) showReceipt(r.body);
    else status(errorText(r.body, r.status), 'error');
  }
  ready();
}

main().catch((err) => {
  console.error(err);
  status(t('err.net'), 'error');
  document.body.dataset.ready = 'error';
});
