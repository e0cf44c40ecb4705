// Shared code of the dashboard pages: language, URL filters, number format,
// safe DOM building, data loading pinned to one snapshot, tables, charts and
// the drill-down panel that lists the sources of a figure.
//
// Names come from reports and are never trusted as markup: every text goes
// into the page through text nodes (h() below), never innerHTML.

const params = new URLSearchParams(location.search);
export const lang = params.get('lang') === 'en' ? 'en' : 'vi';
const locale = lang === 'en' ? 'en-GB' : 'vi-VN';

const dict = {
  vi: {
    'unit.models': 'mô hình',
    none: '–',
    sources: 'Nguồn',
    'drill.title': 'Nguồn của số liệu',
    'drill.count': (n) => `${n} số liệu gốc`,
    'drill.empty': 'Không có số liệu gốc cho ô này.',
    'drill.close': 'Đóng',
    'col.unit': 'Đơn vị', 'col.period': 'Kỳ', 'col.value': 'Giá trị', 'col.origin': 'Nguồn gốc',
    'col.file': 'Tệp', 'col.ref': 'Vị trí', 'col.quote': 'Trích dẫn', 'col.report': 'Mã báo cáo',
    'origin.form': 'Biểu mẫu', 'origin.extracted': 'Trích từ văn bản',
    'q.approx': 'khoảng', 'q.at_least': 'trên', 'q.at_most': 'dưới',
    'dl.csv': 'Tải CSV', 'dl.xlsx': 'Tải Excel',
    loading: 'Đang tải dữ liệu…',
    'err.load': 'Không tải được dữ liệu. Hãy thử tải lại trang.',
    preparing: 'Chưa có dữ liệu được công bố: lần làm mới đầu tiên chưa xong. Trang sẽ tự tải lại khi có dữ liệu.',
    'open.sources': 'Xem nguồn của số liệu',
  },
  en: {
    brand: 'Mass mobilisation work · Thanh Hóa · Nghệ An · Hà Tĩnh',
    nav: 'Pages', 'nav.overview': 'Overview', 'nav.trends': 'Trends', 'nav.province': 'Province',
    'nav.completeness': 'Completeness', 'nav.runs': 'Refresh runs', skip: 'Skip to content',
    demo: 'Illustrative data (demo)', asof: 'Data as of', print: 'Print',
    'f.year': 'Year', 'f.indicator': 'Indicator', 'f.province': 'Province', 'f.level': 'Level',
    'f.measure': 'Measure', 'f.all': 'All three provinces',
    'overview.title': 'The three provinces side by side',
    'overview.abs': 'Absolute', 'overview.per': 'Per 100,000 inhabitants',
    'overview.table': 'Comparison table', 'overview.all': 'All indicators',
    'trends.title': 'Trends by year', 'trends.table': 'Values by year',
    'province.title': 'Province detail', 'province.missing': 'Units that have not reported',
    'province.ranked': 'Units ranked', 'province.none_missing': 'All units have reported.',
    'completeness.title': 'Reporting completeness', 'completeness.chart': 'Reporting rate by period',
    'completeness.table': 'Reports by province and period',
    'runs.title': 'Refresh runs', 'runs.next': 'Next scheduled run', 'runs.none': 'No run recorded yet.',
    'runs.unscheduled': 'No scheduled run.',
    'unit.models': 'models', none: '–', sources: 'Sources',
    partial: 'part of the year only',
    'partial.note': (lacking) => `* part-year (${lacking ? `lacks ${lacking}` : 'not all of its reporting periods yet'}): a lower bound, not comparable with full years.`,
    'drill.title': 'Sources of the figure', 'drill.count': (n) => `${n} source values`,
    'drill.empty': 'No source value for this cell.', 'drill.close': 'Close',
    'col.unit': 'Unit', 'col.period': 'Period', 'col.value': 'Value', 'col.origin': 'Origin',
    'col.file': 'File', 'col.ref': 'Location', 'col.quote': 'Quote', 'col.report': 'Report id',
    'origin.form': 'Form', 'origin.extracted': 'Extracted from text',
    'q.approx': 'about', 'q.at_least': 'more than', 'q.at_most': 'less than',
    'dl.csv': 'Download CSV', 'dl.xlsx': 'Download Excel',
    loading: 'Loading data…', 'err.load': 'Could not load the data. Try reloading the page.',
    preparing: 'No data is published yet: the first refresh has not finished. This page reloads itself when the data is there.',
    'open.sources': 'Show the sources of this figure',
    'col.province': 'Province', 'col.per100k': 'Per 100,000 inh.', 'col.yoy': 'Change on previous year',
    'col.yoy_pct': 'Change %', 'col.units_reporting': 'Units reporting', 'col.basis': 'Basis',
    'col.rank': 'Rank', 'col.level': 'Level', 'col.year': 'Year', 'col.indicator': 'Indicator',
    'col.expected': 'Expected', 'col.received': 'Received', 'col.on_time': 'On time', 'col.late': 'Late',
    'col.rate': 'Reporting rate', 'col.timeliness': 'On-time rate', 'col.deadline': 'Deadline',
    'col.missing': 'Not reported', 'col.run': 'Run', 'col.trigger': 'Trigger', 'col.status': 'Status',
    'col.started': 'Started', 'col.finished': 'Finished', 'col.duration': 'Duration',
    'col.published': 'Published', 'col.note': 'Note / error',
    'basis.province_report': 'Province report', 'basis.sum_of_units': 'Sum of units',
    'level.district': 'District', 'level.commune': 'Commune',
    'level.district_long': 'Districts (until 30/06/2025)', 'level.commune_long': 'Communes (from 01/07/2025)',
    'measure.value': 'Absolute', 'measure.per_100k': 'Per 100,000 inhabitants',
    reform: 'Administrative reorganisation 01/07/2025', total: 'Province total',
    yes: 'yes', no: 'no', 'status.succeeded': 'succeeded', 'status.succeeded_with_problems': 'succeeded with problems', 'status.failed': 'failed', 'status.running': 'running', 'status.skipped': 'skipped', 'runs.fix': 'Fix',
    'diff.flag': 'Province report and sum of units differ',
    'no.data': 'No data for this choice.', 'per100k.short': 'per 100,000 inh.',
    'yoy.short': 'on previous year',
    'trigger.schedule': 'scheduled', 'trigger.manual': 'manual (danvan run)', 'trigger.api': 'API',
    tz: 'Vietnam time', 'nav.refusals': 'Refused data',
    'year.partial': (label) => label, 'year.option': (y, label) => (label && label !== String(y) ? `${label}` : String(y)),
    'yoy.none.part_year': 'not compared: part of the year only',
    'yoy.none.previous_part_year': 'not compared: the previous year is incomplete',
    'yoy.none.no_previous_year': 'no figure for the previous year',
    'yoy.none.previous_zero': 'previous year was 0',
    'partial.short': 'part-year', 'partial.marker': 'part of the year only',
    'periods.sent': (p) => `sent ${p}`, 'periods.lacking': (p) => `lacks ${p}`,
    'rank.apart': 'Not ranked: figure covers other periods', 'rank.apart.note': 'These units sent other periods than the ranked ones; their figures are not comparable.',
    'rank.top': 'Top 15', 'rank.bottom': 'Bottom 15', 'rank.chart': 'Highest and lowest 15',
    'rank.printed': (n) => `Printed: the first and last 15 rows; the ${n} in between are on the screen and in the download.`,
    'card.open': 'Open the province page', 'units.open': 'Show the units behind this count',
    'comp.units': (n) => `${n} units`, 'comp.status.on_time': 'on time', 'comp.status.late': 'late',
    'comp.status.missing': 'not reported', 'comp.status.pending': 'not yet due',
    'comp.parts': (p) => `sent ${p}`, 'comp.parts_cover': 'halves cover the year',
    'col.pending': 'Not yet due', 'col.received_on': 'Received', 'col.report': 'Report',
    'col.deadline_short': 'Deadline', 'col.files': 'File',
    'runs.summary': (f, a, r, tp) => [`${f} files, ${a} values accepted, `, r, `, ${tp} tests passed`],
    'runs.refused': 'refused', 'runs.tests_failed': (n) => `${n} tests failed`,
    'refusals.title': 'Refused data', 'refusals.none': 'No value was refused.',
    'refusals.summary': (files, acc, ref, quar) => `${files} files · ${acc} values accepted · ${ref} values refused · ${quar} files quarantined`,
    'refusals.run': 'Refresh run', 'refusals.run.all': 'All runs', 'refusals.run.manual': 'Ingested outside a refresh',
    'refusals.unit': 'Unit', 'refusals.unit.all': 'All units', 'refusals.unit.unknown': '(not resolved)',
    'refusals.feedback': 'Feedback workbook (Excel)', 'refusals.quarantined': 'Quarantined (the file could not be read)',
    'refusals.clean': (n) => `${n} other files loaded with no refusal.`, 'col.fix': 'How to fix it', 'col.reason': 'Reason',
    'col.column': 'Column', 'col.given': 'Value as written', 'col.accepted': 'Accepted', 'col.refused': 'Refused',
    'status.loaded': 'loaded', 'status.quarantined': 'quarantined',
    'trigger.portal': 'file sent through the portal', 'trigger.start': 'server start (serve --refresh-at-start)',
    'portal.title': 'Reports sent through the submission portal', 'portal.none': 'No file sent through the portal yet.',
    'portal.time': 'Time', 'portal.accepted': 'Accepted values',
    'portal.code': 'Confirmation code', 'portal.rejected': 'Refused values', 'portal.refused': 'file refused',
    'portal.duplicate': 'already received before', 'portal.ingested': 'taken in by a refresh',
    'portal.waiting': 'waiting for the next refresh',
  },
};
// Vietnamese texts also used by scripts (the HTML carries the rest).
Object.assign(dict.vi, {
  'col.province': 'Tỉnh', 'col.per100k': 'Trên 100.000 dân', 'col.yoy': 'Thay đổi so với năm trước',
  'col.yoy_pct': 'Thay đổi %', 'col.units_reporting': 'Số đơn vị báo cáo', 'col.basis': 'Cơ sở số liệu',
  'col.rank': 'Hạng', 'col.level': 'Cấp', 'col.year': 'Năm', 'col.indicator': 'Chỉ tiêu',
  'col.expected': 'Phải báo cáo', 'col.received': 'Đã nhận', 'col.on_time': 'Đúng hạn', 'col.late': 'Trễ hạn',
  'col.rate': 'Tỉ lệ báo cáo', 'col.timeliness': 'Tỉ lệ đúng hạn', 'col.deadline': 'Hạn nộp',
  'col.missing': 'Chưa báo cáo', 'col.run': 'Lần chạy', 'col.trigger': 'Kích hoạt', 'col.status': 'Trạng thái',
  'col.started': 'Bắt đầu', 'col.finished': 'Kết thúc', 'col.duration': 'Thời lượng',
  'col.published': 'Đã công bố', 'col.note': 'Ghi chú / lỗi',
  'basis.province_report': 'Báo cáo của tỉnh', 'basis.sum_of_units': 'Tổng các đơn vị',
  'level.district': 'Huyện', 'level.commune': 'Xã, phường',
  'level.district_long': 'Cấp huyện (đến 30/06/2025)', 'level.commune_long': 'Cấp xã (từ 01/07/2025)',
  'measure.value': 'Số tuyệt đối', 'measure.per_100k': 'Trên 100.000 dân',
  reform: 'Sắp xếp đơn vị hành chính 01/07/2025', total: 'Toàn tỉnh',
  partial: 'chưa đủ năm',
  'partial.note': (lacking) => `* chưa đủ năm (${lacking ? `thiếu ${lacking}` : 'chưa có đủ các kỳ báo cáo của năm'}): là cận dưới, không so sánh được với năm đủ.`,
  yes: 'có', no: 'không', 'status.succeeded': 'thành công', 'status.succeeded_with_problems': 'xong, có vấn đề', 'status.failed': 'lỗi', 'status.running': 'đang chạy', 'status.skipped': 'bỏ qua (đang bận)', 'runs.fix': 'Cách sửa',
  'diff.flag': 'Báo cáo của tỉnh khác tổng các đơn vị',
  'no.data': 'Không có số liệu cho lựa chọn này.', 'per100k.short': 'trên 100.000 dân',
  'yoy.short': 'so với năm trước', 'runs.next': 'Lần chạy tiếp theo', 'runs.none': 'Chưa có lần chạy nào.',
  'runs.unscheduled': 'Không có lịch chạy.', 'f.all': 'Cả ba tỉnh',
  'trigger.schedule': 'theo lịch', 'trigger.manual': 'thủ công (danvan run)', 'trigger.api': 'API',
  tz: 'giờ Việt Nam', 'nav.refusals': 'Dữ liệu bị từ chối',
  'completeness.title': 'Tình hình báo cáo', 'province.ranked': 'Xếp hạng các đơn vị',
  'province.none_missing': 'Tất cả đơn vị đã báo cáo.',
  'year.option': (y, label) => (label && label !== String(y) ? label : String(y)),
  'yoy.none.part_year': 'không so sánh: năm chưa đủ',
  'yoy.none.previous_part_year': 'không so sánh: năm trước chưa đủ',
  'yoy.none.no_previous_year': 'không có số liệu năm trước',
  'yoy.none.previous_zero': 'năm trước bằng 0',
  'partial.short': 'chưa đủ năm', 'partial.marker': 'chưa đủ năm',
  'periods.sent': (p) => `đã gửi ${p}`, 'periods.lacking': (p) => `thiếu ${p}`,
  'rank.apart': 'Không xếp hạng: số liệu khác kỳ', 'rank.apart.note': 'Các đơn vị này gửi số liệu cho kỳ khác với các đơn vị được xếp hạng nên không so sánh được.',
  'rank.top': '15 đơn vị cao nhất', 'rank.bottom': '15 đơn vị thấp nhất', 'rank.chart': 'Cao nhất và thấp nhất (15 đơn vị)',
  'rank.printed': (n) => `Bản in: 15 dòng đầu và 15 dòng cuối; ${n} đơn vị ở giữa xem trên màn hình hoặc tệp tải xuống.`,
  'card.open': 'Xem trang chi tiết tỉnh', 'units.open': 'Xem các đơn vị của số này',
  'comp.units': (n) => `${n} đơn vị`, 'comp.status.on_time': 'đúng hạn', 'comp.status.late': 'trễ hạn',
  'comp.status.missing': 'chưa báo cáo', 'comp.status.pending': 'chưa đến hạn',
  'comp.parts': (p) => `đã gửi ${p}`, 'comp.parts_cover': 'hai kỳ 6 tháng đủ cả năm',
  'col.pending': 'Chưa đến hạn', 'col.received_on': 'Ngày nhận', 'col.report': 'Báo cáo',
  'col.deadline_short': 'Hạn nộp', 'col.files': 'Tệp',
  'runs.summary': (f, a, r, tp) => [`${f} tệp, ${a} giá trị nhận, `, r, `, ${tp} kiểm thử đạt`],
  'runs.refused': 'bị từ chối', 'runs.tests_failed': (n) => `${n} kiểm thử lỗi`,
  'refusals.title': 'Dữ liệu bị từ chối', 'refusals.none': 'Không có giá trị nào bị từ chối.',
  'refusals.summary': (files, acc, ref, quar) => `${files} tệp · ${acc} giá trị được nhận · ${ref} giá trị bị từ chối · ${quar} tệp bị cách ly`,
  'refusals.run': 'Lần làm mới', 'refusals.run.all': 'Tất cả các lần', 'refusals.run.manual': 'Nạp ngoài lần làm mới',
  'refusals.unit': 'Đơn vị', 'refusals.unit.all': 'Tất cả đơn vị', 'refusals.unit.unknown': '(không xác định)',
  'refusals.feedback': 'Tệp phản hồi (Excel)', 'refusals.quarantined': 'Cách ly (không đọc được tệp)',
  'refusals.clean': (n) => `${n} tệp khác được nạp, không có giá trị nào bị từ chối.`, 'col.fix': 'Cách sửa', 'col.reason': 'Lý do',
  'col.column': 'Cột', 'col.given': 'Giá trị đã ghi', 'col.accepted': 'Được nhận', 'col.refused': 'Bị từ chối',
  'status.loaded': 'đã nạp', 'status.quarantined': 'cách ly',
  'trigger.portal': 'có tệp nộp qua cổng', 'trigger.start': 'khi máy chủ khởi động (serve --refresh-at-start)',
  'portal.none': 'Chưa có tệp nào nộp qua cổng.', 'portal.time': 'Thời điểm', 'portal.accepted': 'Giá trị nhận',
  'portal.code': 'Mã xác nhận', 'portal.rejected': 'Giá trị bị từ chối',
  'portal.refused': 'tệp bị từ chối', 'portal.duplicate': 'đã nhận trước đó', 'portal.ingested': 'đã nạp vào kho',
  'portal.waiting': 'chờ lần làm mới tiếp theo',
});

/**
 * t returns the text of key in the page language, falling back to Vietnamese,
 * then to a string first argument (a raw value without translation), then the key.
 */
export function t(key, ...args) {
  const v = dict[lang][key] ?? dict.vi[key] ?? (typeof args[0] === 'string' ? args[0] : key);
  return typeof v === 'function' ? v(...args) : v;
}

// ---- URL filters --------------------------------------------------------

/** param reads a filter from the URL. */
export function param(name, fallback = '') {
  return params.get(name) || fallback;
}

// Filters carried from page to page through the navigation links.
const carried = ['lang', 'year', 'indicator', 'province'];

/** setParams writes filters into the URL (so a view can be shared) and updates the links. */
export function setParams(obj) {
  for (const [k, v] of Object.entries(obj)) {
    if (v === '' || v == null) params.delete(k); else params.set(k, String(v));
  }
  const qs = params.toString();
  history.replaceState(null, '', qs ? `?${qs}` : location.pathname);
  updateLinks();
}

function updateLinks() {
  for (const a of document.querySelectorAll('nav.pages a[data-nav]')) {
    const p = new URLSearchParams();
    for (const k of carried) if (params.get(k)) p.set(k, params.get(k));
    a.search = p.toString();
  }
  const sw = document.getElementById('lang-switch');
  if (sw) {
    const p = new URLSearchParams(params);
    if (lang === 'en') p.delete('lang'); else p.set('lang', 'en');
    sw.search = p.toString();
    sw.textContent = lang === 'en' ? 'Tiếng Việt' : 'English';
    sw.hreflang = lang === 'en' ? 'vi' : 'en';
    sw.lang = lang === 'en' ? 'vi' : 'en';
  }
}

// ---- formatting ---------------------------------------------------------

const numFormats = new Map();
function numFormat(digits, signed) {
  const key = `${digits}/${signed}`;
  if (!numFormats.has(key)) {
    numFormats.set(key, new Intl.NumberFormat(locale, {
      maximumFractionDigits: digits, signDisplay: signed ? 'exceptZero' : 'auto',
    }));
  }
  return numFormats.get(key);
}

/** fmt formats a number the Vietnamese way (1.234,5); null shows as a dash. */
export function fmt(v, digits = 1) {
  return v == null || Number.isNaN(v) ? t('none') : numFormat(digits, false).format(v);
}
export function fmtSigned(v, digits = 1) {
  return v == null ? t('none') : numFormat(digits, true).format(v);
}
const fixedFormats = new Map();
function fixedFormat(digits, signed) {
  const key = `${digits}/${signed}`;
  if (!fixedFormats.has(key)) {
    fixedFormats.set(key, new Intl.NumberFormat(locale, {
      minimumFractionDigits: digits, maximumFractionDigits: digits, signDisplay: signed ? 'exceptZero' : 'auto',
    }));
  }
  return fixedFormats.get(key);
}
/** fmtPct formats a change in percent with one decimal always: +11,0%, +5,6%. */
export function fmtPct(v) {
  return v == null ? t('none') : `${fixedFormat(1, true).format(v)}%`;
}
/** fmtRate formats a share (0..1) as a percentage with one decimal always. */
export function fmtRate(v) {
  return v == null ? t('none') : `${fixedFormat(1, false).format(v * 100)}%`;
}
/** fmtPer formats a per-capita figure with one decimal always: 3,0 and 3,8. */
export function fmtPer(v) {
  return v == null || Number.isNaN(v) ? t('none') : fixedFormat(1, false).format(v);
}
/** fmtInt formats a count with thousands separators: 55.479. */
export function fmtInt(v) {
  return v == null ? t('none') : numFormat(0, false).format(v);
}
/** fmtDate turns YYYY-MM-DD into DD/MM/YYYY. */
export function fmtDate(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || '');
  return m ? `${m[3]}/${m[2]}/${m[1]}` : (iso || t('none'));
}
const dtFormat = new Intl.DateTimeFormat(locale, {
  day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit',
  hourCycle: 'h23', timeZone: 'Asia/Ho_Chi_Minh',
});
/** fmtDateTime shows an instant as DD/MM/YYYY HH:MM in Vietnam time, and says so. */
export function fmtDateTime(iso) {
  const [when, zone] = dateTimeParts(iso);
  return zone ? `${when} ${zone}` : when;
}
/** dateTimeNode is fmtDateTime's text for a table cell: it may break
 * before the time zone, never inside the date and time or the zone. */
export function dateTimeNode(iso) {
  const [when, zone] = dateTimeParts(iso);
  return zone ? h('span', null, h('span', { class: 'nowrap' }, when), ' ', h('span', { class: 'nowrap' }, zone)) : when;
}
function dateTimeParts(iso) {
  if (!iso) return [t('none'), ''];
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return [iso, ''];
  const p = Object.fromEntries(dtFormat.formatToParts(d).map((x) => [x.type, x.value]));
  return [`${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`, `(${t('tz')})`];
}

// unitPrefix marks cities and towns, so "TP. Thanh Hóa" is never read as the
// province: the one place a unit's type goes before its name.
const unitPrefix = { vi: { thanh_pho: 'TP. ', thi_xa: 'TX. ' }, en: {} };
const unitSuffix = { vi: {}, en: { thanh_pho: ' (city)', thi_xa: ' (town)' } };
/** unitLabel is a unit's name as pages show it. */
export function unitLabel(name, type) {
  return `${unitPrefix[lang][type] || ''}${name ?? ''}${unitSuffix[lang][type] || ''}`;
}

export const collator = new Intl.Collator('vi', { sensitivity: 'base', numeric: true });

/** periodOrder sorts 2024-H1 before 2024 before 2025-H1: by the period's end, a half-year before the year it ends. */
export function periodOrder(a, b) {
  const end = (p) => (p.length === 4 ? `${p}-12-31` : p.endsWith('H1') ? `${p.slice(0, 4)}-06-30` : `${p.slice(0, 4)}-12-30`);
  return collator.compare(end(a), end(b)) || collator.compare(a, b);
}
export const byName = (key) => (a, b) => collator.compare(a[key] ?? '', b[key] ?? '');

const qualifierMark = { approx: '≈', at_least: '≥', at_most: '≤' };

/** valueNode renders a figure with its qualifier ("≈", "≥") kept beside it. */
export function valueNode(v, qualifier, digits = 1) {
  const mark = qualifierMark[qualifier];
  return h('span', { class: 'val' },
    mark ? h('abbr', { class: 'q', title: t(`q.${qualifier}`) }, mark + '\u202f') : null,
    h('span', { 'data-field': 'value' }, fmt(v, digits)));
}

// ---- DOM ----------------------------------------------------------------

/**
 * h builds an element. Children that are strings become text nodes, so
 * names from data can never turn into markup. Attributes starting with "on"
 * take a function (addEventListener), never a string.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** fill replaces the children of the element with id. */
export function fill(id, ...children) {
  const el = typeof id === 'string' ? document.getElementById(id) : id;
  el.replaceChildren();
  append(el, children);
  return el;
}

/**
 * table renders rows. A column is {label, value(row) -> Node|string, num,
 * nowrap, rowHeader}. Numeric columns align right.
 */
export function table(columns, rows, { caption, id, stack } = {}) {
  return h('div', { class: 'table-wrap' }, h('table', { id, class: stack ? 'stack' : null },
    caption ? h('caption', null, caption) : null,
    h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null }, c.label)))),
    h('tbody', null, rows.map((r) => h('tr', null, columns.map((c, i) => {
      const cellTag = i === 0 && c.rowHeader ? 'th' : 'td';
      const cls = [c.num ? 'num' : '', c.nowrap ? 'nowrap' : ''].join(' ').trim() || null;
      return h(cellTag, { class: cls, scope: cellTag === 'th' ? 'row' : null, 'data-label': typeof c.label === 'string' ? c.label : null }, c.value(r));
    }))))));
}

/** downloads returns the CSV and Excel links of an output with filters. */
export function downloads(output, filters) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(filters || {})) if (v !== '' && v != null) p.set(k, v);
  if (snapshotRun) p.set('run', snapshotRun);
  if (lang === 'en') p.set('lang', 'en');
  const qs = p.toString() ? `?${p}` : '';
  return h('p', { class: 'downloads' },
    h('a', { href: `/download/${output}.csv${qs}`, download: '' }, t('dl.csv')), ' · ',
    h('a', { href: `/download/${output}.xlsx${qs}`, download: '' }, t('dl.xlsx')));
}

/** select fills a <select> with options [{value, label}] and selects current. */
export function select(id, options, current, onchange) {
  const el = document.getElementById(id);
  el.replaceChildren(...options.map((o) => h('option', { value: o.value, selected: o.value === current }, o.label)));
  el.onchange = () => onchange(el.value);
  return el;
}

// ---- data ---------------------------------------------------------------

let snapshotRun = '';

/**
 * load fetches manifest.json, then the other outputs pinned to its run id,
 * so the page never mixes two snapshots.
 */
export async function load(...names) {
  const res = await fetch('/data/manifest.json');
  if (res.status === 503 && names.length) return preparing();
  if (!res.ok) throw new Error(`/data/manifest.json: HTTP ${res.status}`);
  const manifest = await res.json();
  snapshotRun = manifest.run_id || '';
  const out = { manifest };
  await Promise.all(names.map(async (n) => { out[n.replace(/[^a-z_]/g, '_')] = await data(n); }));
  return out;
}

/**
 * preparing says that no snapshot is published yet (a new data directory
 * whose first refresh still runs: make run serves at once) and reloads the
 * page once one is; the page's loading never ends meanwhile. The runs page
 * (load() of no output) is shown at once instead.
 */
function preparing() {
  const main = document.getElementById('content') || document.getElementById('main');
  main.prepend(h('p', { class: 'preparing', role: 'status' }, t('preparing')));
  document.body.dataset.ready = 'preparing';
  const poll = async () => {
    try {
      const res = await fetch('/data/manifest.json', { cache: 'no-store' });
      if (res.ok) { location.reload(); return; }
    } catch (e) { /* the server restarts: ask again */ }
    setTimeout(poll, 2000);
  };
  setTimeout(poll, 2000);
  return new Promise(() => {});
}

/** data fetches one output of the snapshot the page started with. */
export async function data(name) {
  const url = `/data/${name}.json${snapshotRun ? `?run=${encodeURIComponent(snapshotRun)}` : ''}`;
  const res = await fetch(url);
  if (res.status === 410) { location.reload(); return new Promise(() => {}); }
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

/** indicatorLabel gives the label of an indicator code in the page language. */
export function indicatorLabel(indicators, code) {
  const ind = indicators.find((i) => i.code === code);
  if (!ind) return code;
  return lang === 'en' ? ind.label_en || ind.label_vi : ind.label_vi;
}
export function indicatorUnit(indicators, code) {
  const ind = indicators.find((i) => i.code === code);
  if (!ind) return '';
  return lang === 'en' ? ind.unit_en || ind.unit : ind.unit;
}

// ---- years: whole and part ------------------------------------------------

/** yearInfo is the years.json row of a year (complete, label, periods). */
export function yearInfo(years, y) {
  return (years || []).find((r) => r.year === y) || { year: y, complete: true, label_vi: String(y), label_en: String(y), periods_lacking: [] };
}
/** yearLabel is "2025", or "6 tháng đầu năm 2026 (chưa đủ năm)" for a part-year. */
export function yearLabel(years, y) {
  const info = yearInfo(years, y);
  return info.complete ? String(y) : (lang === 'en' ? info.label_en : info.label_vi);
}
/** defaultYear is the latest complete year among those given, else the latest. */
export function defaultYear(years, available) {
  const sorted = [...available].sort((a, b) => b - a);
  return sorted.find((y) => yearInfo(years, y).complete) ?? sorted[0];
}
/** yearOptions are the choices of a year filter, part-years named as such. */
export function yearOptions(years, available) {
  return [...available].sort((a, b) => b - a).map((y) => ({ value: String(y), label: yearLabel(years, y) }));
}
/** partMark marks a figure of part of a year: a visible word, not only a sign. */
export function partMark(lacking) {
  const title = lacking?.length ? t('periods.lacking', lacking.join(', ')) : t('partial.marker');
  return h('span', { class: 'part-mark', title }, ` (${t('partial.short')})`);
}

// ---- page frame ---------------------------------------------------------

/** start translates the page, shows the data date and the demo banner. */
export function start(manifest) {
  document.documentElement.lang = lang;
  if (lang !== 'vi') {
    for (const el of document.querySelectorAll('[data-i18n]')) {
      const v = dict[lang][el.dataset.i18n];
      if (typeof v === 'string') el.textContent = v;
    }
    for (const el of document.querySelectorAll('[data-i18n-label]')) {
      const v = dict[lang][el.dataset.i18nLabel];
      if (typeof v === 'string') el.setAttribute('aria-label', v);
    }
    document.title = `${document.querySelector('h1')?.textContent || ''} – danvan`;
  }
  updateLinks();
  for (const el of document.querySelectorAll('.as-of-date')) {
    el.textContent = fmtDate(manifest?.data_as_of);
    if (manifest?.data_as_of) el.setAttribute('datetime', manifest.data_as_of);
  }
  const demo = document.getElementById('demo-banner');
  if (demo) demo.hidden = !manifest?.demo;
  const pr = document.getElementById('print');
  if (pr) pr.onclick = () => window.print();
}

/** fail shows an error the reader understands instead of an empty page. */
export function fail(err) {
  console.error(err);
  const main = document.getElementById('content') || document.getElementById('main');
  main.prepend(h('p', { class: 'error', role: 'alert' }, t('err.load')));
  document.body.dataset.ready = 'error';
}

/** ready marks the page rendered (tests and timing read it). */
export function ready() {
  document.body.dataset.readyMs = String(Math.round(performance.now()));
  document.body.dataset.ready = '1';
}

// ---- charts -------------------------------------------------------------

export const provinceColors = { 38: '#1d5fa8', 40: '#c2410c', 42: '#15803d' };
const charts = new Set();

/**
 * chart draws an ECharts option into the element. Canvas text cannot carry
 * markup; tooltips are built as DOM nodes (see tip) instead of HTML strings.
 */
export function chart(el, option) {
  if (typeof el === 'string') el = document.getElementById(el);
  let c = window.echarts.getInstanceByDom(el);
  if (!c) {
    c = window.echarts.init(el, null, { renderer: 'canvas', devicePixelRatio: Math.max(2, window.devicePixelRatio || 1) });
    charts.add(c);
  }
  c.setOption({
    animation: false,
    textStyle: { fontFamily: 'system-ui, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif' },
    ...option,
  }, true);
  return c;
}
window.addEventListener('resize', () => charts.forEach((c) => c.resize()));

// Printing: charts are redrawn at the size they take on A4 paper (186 mm of
// text width, about 700 CSS pixels), so their labels print at a readable size,
// then back at the size of the screen. The print CSS only scales a canvas
// down as a fallback.
window.addEventListener('beforeprint', () => charts.forEach((c) => {
  const el = c.getDom();
  const half = el.closest('.charts.two') !== null;
  const height = el.dataset.printHeight ? Number(el.dataset.printHeight) : el.id === 'chart-rank' ? el.clientHeight : half ? 230 : 300;
  c.resize({ width: half ? 325 : 680, height });
  c.getZr().refreshImmediately(); // printing captures the page before the next animation frame
}));
window.addEventListener('afterprint', () => charts.forEach((c) => c.resize({ width: 'auto', height: 'auto' })));

/** tip builds a tooltip as DOM: a title line and [colour, label, value] rows. */
export function tip(title, rows) {
  return h('div', { class: 'tip' }, h('strong', null, title),
    rows.map(([color, label, value]) => h('div', { class: 'tip-row' },
      h('span', { class: `dot c${color}` }), label, ': ', h('b', null, value))));
}

// ---- drill-down ----------------------------------------------------------

const sourceCache = new Map();

/**
 * showSources opens the panel listing the facts behind a figure, read from
 * sources/<province>-<year>.json: unit, period, value, file, row and quote.
 * sel: {province, year, indicator, unitCode?, periods?, preferUnit?, unitsOnly?, title},
 * or {parts: [such selections], title} for a figure made of several (a
 * change on the previous year: both years).
 */
export async function showSources(sel, indicators) {
  const body = openPanel(sel.title || t('drill.title'));
  const parts = sel.parts || [sel];
  let rows = [];
  try {
    for (const p of parts) {
      const name = `${p.province}-${p.year}`;
      if (!sourceCache.has(name)) sourceCache.set(name, data(`sources/${name}`));
      let facts;
      try {
        facts = await sourceCache.get(name);
      } catch (err) {
        sourceCache.delete(name);
        throw err;
      }
      let r = facts.filter((f) => f.indicator === p.indicator);
      if (p.unitCode) r = r.filter((f) => f.unit_code === p.unitCode);
      if (p.unitsOnly) r = r.filter((f) => f.unit_level !== 'province');
      // A count of units opens each unit's own facts (their periods, not
      // the province report's).
      if (p.periods?.length && !p.unitsOnly) r = r.filter((f) => p.periods.includes(f.period));
      if (p.preferUnit && r.some((f) => f.unit_code === p.preferUnit)) r = r.filter((f) => f.unit_code === p.preferUnit);
      rows = rows.concat(r.map((f) => ({ ...f, file: name })));
    }
  } catch (err) {
    body.replaceChildren(h('p', { class: 'error', role: 'alert' }, t('err.load')));
    return;
  }
  rows.sort((a, b) => collator.compare(a.period, b.period) || collator.compare(a.unit_name, b.unit_name));
  const ind = parts[0].indicator;
  const unit = indicatorUnit(indicators, ind);
  body.replaceChildren(
    h('p', { class: 'drill-sub' }, indicatorLabel(indicators, ind), unit ? ` (${unit})` : '',
      ' · ', t('drill.count', rows.length)),
    rows.length === 0 ? h('p', null, t('drill.empty')) : table([
      { label: t('col.unit'), value: (f) => f.unit_name },
      { label: t('col.period'), nowrap: true, value: (f) => f.period },
      { label: t('col.value'), num: true, value: (f) => valueNode(f.value, f.qualifier, 2) },
      { label: t('col.origin'), value: (f) => t(`origin.${f.origin}`) },
      { label: t('col.file'), value: (f) => h('span', { class: 'file' }, f.source_file) },
      { label: t('col.ref'), value: (f) => f.source_ref },
      { label: t('col.quote'), value: (f) => (f.quote ? h('q', null, f.quote) : '') },
      { label: t('col.report'), value: (f) => h('code', null, f.report_id) },
    ], rows, { id: 'drill-table' }),
    [...new Set(parts.map((p) => `${p.province}-${p.year}`))].map((name) => downloads(`sources-${name}`, {
      indicator: ind, unit_code: parts.length === 1 ? parts[0].unitCode : undefined,
    })),
  );
}

/**
 * showList opens the panel with a table of rows behind a count (the units
 * of a completeness figure): columns as for table().
 */
export function showList(title, sub, columns, rows, dl) {
  const body = openPanel(title);
  body.replaceChildren(
    h('p', { class: 'drill-sub' }, sub, ' · ', t('comp.units', fmtInt(rows.length))),
    rows.length === 0 ? h('p', null, t('drill.empty')) : table(columns, rows, { id: 'drill-table' }),
    dl || null,
  );
}

function openPanel(title) {
  const dlg = drillDialog();
  const body = dlg.querySelector('.drill-body');
  dlg.querySelector('#drill-title').textContent = title;
  body.replaceChildren(h('p', null, t('loading')));
  if (!dlg.open) dlg.showModal();
  return body;
}

function drillDialog() {
  let dlg = document.getElementById('drill');
  if (dlg) return dlg;
  dlg = h('dialog', { id: 'drill', 'aria-labelledby': 'drill-title', class: 'drill' },
    h('div', { class: 'drill-head' },
      h('h2', { id: 'drill-title' }, t('drill.title')),
      h('button', { type: 'button', class: 'close', onclick: () => dlg.close() }, t('drill.close'))),
    h('div', { class: 'drill-body' }));
  dlg.addEventListener('click', (e) => { if (e.target === dlg) dlg.close(); });
  document.body.append(dlg);
  return dlg;
}

/** figButton makes a figure clickable down to its sources. */
export function figButton(content, onclick, label) {
  return h('button', { type: 'button', class: 'fig', title: t('open.sources'), 'aria-label': label || null, onclick },
    content);
}

/** provinceName finds the name of a province code. */
export function provinceName(provinces, code) {
  return provinces.find((p) => p.province_code === code)?.province_name || code;
}
