// Refusals: per refresh run and per file, what was accepted, refused and
// quarantined; each refused value with its place, value, reason and fix;
// filters by run, province and unit; a feedback workbook per file.
import {
  t, param, setParams, load, start, fail, ready, fmtInt, fmtDateTime, h, fill, table, select, downloads,
  provinceName, collator, lang,
} from './app.js';

let D;
let runs = [];

async function main() {
  const [d, r] = await Promise.all([
    load('provinces', 'files', 'refusals'),
    fetch('/api/runs').then((res) => (res.ok ? res.json() : { runs: [] })).catch(() => ({ runs: [] })),
  ]);
  D = d;
  runs = (r.runs || []).filter((x) => x.started_at);
  start(D.manifest);
  render();
  ready();
}

// runOf finds the refresh run that ingested a file: the run whose start and
// end enclose the file's ingestion time; "" when it was ingested outside
// any run recorded (danvan ingest by hand).
function runOf(file) {
  const at = Date.parse(file.ingested_at || '');
  if (Number.isNaN(at)) return '';
  const r = runs.find((x) => Date.parse(x.started_at) <= at && (!x.finished_at || at <= Date.parse(x.finished_at) + 1000));
  return r ? r.id : '';
}

function render() {
  const provinces = [...D.provinces].sort((a, b) => a.province_code.localeCompare(b.province_code));
  const files = D.files.map((f) => ({ ...f, run: runOf(f) }));
  const runIDs = [...new Set(files.map((f) => f.run))];
  const refresh = runIDs.includes(param('refresh')) ? param('refresh') : '';
  const province = provinces.some((p) => p.province_code === param('province')) ? param('province') : '';
  const runLabel = (id) => {
    if (!id) return t('refusals.run.manual');
    const r = runs.find((x) => x.id === id);
    return `${fmtDateTime(r.started_at)} · ${r.trigger ? t(`trigger.${r.trigger}`, r.trigger) : id}`;
  };
  select('refresh', [{ value: '', label: t('refusals.run.all') },
    ...runIDs.filter((id) => id).map((id) => ({ value: id, label: runLabel(id) })),
    ...(runIDs.includes('') && runIDs.length > 1 ? [{ value: 'manual', label: t('refusals.run.manual') }] : [])],
  param('refresh') === 'manual' ? 'manual' : refresh, (v) => { setParams({ refresh: v, unit: '' }); render(); });
  select('province', [{ value: '', label: t('f.all') },
    ...provinces.map((p) => ({ value: p.province_code, label: p.province_name }))], province,
  (v) => { setParams({ province: v, unit: '' }); render(); });

  const inRun = (f) => (param('refresh') === 'manual' ? f.run === '' : !refresh || f.run === refresh);
  const shownFiles = files.filter(inRun);
  const batches = new Set(shownFiles.map((f) => f.batch));
  let rows = D.refusals.filter((r) => batches.has(r.batch) && (!province || r.province_code === province));
  const unitKey = (r) => r.unit_code || (r.unit ? `?${r.unit}` : '?');
  const units = new Map();
  for (const r of rows) units.set(unitKey(r), r.unit ? r.unit + (r.unit_code ? '' : ` ${t('refusals.unit.unknown')}`) : t('refusals.unit.unknown'));
  const unit = units.has(param('unit')) ? param('unit') : '';
  select('unit', [{ value: '', label: t('refusals.unit.all') },
    ...[...units].sort((a, b) => collator.compare(a[1], b[1])).map(([value, label]) => ({ value, label }))], unit,
  (v) => { setParams({ unit: v }); render(); });
  if (unit) rows = rows.filter((r) => unitKey(r) === unit);

  // A file is listed when it has refusals left after the filters, or is
  // quarantined (about the province chosen, or about none known).
  const byBatch = new Map();
  for (const r of rows) {
    if (!byBatch.has(r.batch)) byBatch.set(r.batch, []);
    byBatch.get(r.batch).push(r);
  }
  const quarantined = shownFiles.filter((f) => f.status === 'quarantined' && !unit
    && (!province || f.provinces.length === 0 || f.provinces.includes(province)));
  const listed = shownFiles.filter((f) => byBatch.has(f.batch) || quarantined.includes(f));
  const inProvince = shownFiles.filter((f) => !province || f.provinces.includes(province) || quarantined.includes(f));
  const sum = (xs, k) => xs.reduce((n, x) => n + (x[k] || 0), 0);
  fill('summary', t('refusals.summary', fmtInt(inProvince.length), fmtInt(sum(inProvince, 'rows_accepted')),
    fmtInt(rows.length), fmtInt(quarantined.length)));

  const groups = [...new Set(listed.map((f) => f.run))];
  fill('groups', listed.length === 0 ? h('p', null, t('refusals.none')) : groups.map((id) => h('section', { class: 'run-group' },
    h('h2', null, `${t('refusals.run')}: ${runLabel(id)}`),
    listed.filter((f) => f.run === id).map((f) => fileSection(f, byBatch.get(f.batch) || [], provinces))),
  ), h('p', { class: 'note' }, t('refusals.clean', fmtInt(inProvince.length - listed.length))),
  downloads('refusals', { province_code: province, unit_code: unit && !unit.startsWith('?') ? unit : '' }));
}

function fileSection(f, rows, provinces) {
  const id = `file-${f.batch.slice(0, 12)}`;
  const where = f.provinces.map((c) => provinceName(provinces, c)).join(', ');
  return h('article', { class: 'file-block', id, 'data-batch': f.batch },
    h('h3', null, h('span', { class: 'file' }, f.source_file)),
    h('p', { class: 'file-facts' },
      `${t(`status.${f.status}`)} · ${fmtDateTime(f.ingested_at)}`, where ? ` · ${where}` : '', ' · ',
      `${t('col.accepted')}: `, h('span', { 'data-field': 'accepted' }, fmtInt(f.rows_accepted)), ' · ',
      `${t('col.refused')}: `, h('span', { 'data-field': 'refused' }, fmtInt(f.rows_rejected)), ' · ',
      h('a', { href: `/download/feedback/${f.batch}.xlsx${lang === 'en' ? '?lang=en' : ''}`, download: '', class: 'feedback' }, t('refusals.feedback'))),
    f.status === 'quarantined' ? h('div', { class: 'quarantine' },
      h('p', null, h('strong', null, t('refusals.quarantined')), ': ', lang === 'en' ? f.reason_en : f.reason),
      h('p', null, h('strong', null, t('col.fix')), ': ', lang === 'en' ? f.fix_en : f.fix_vi)) : null,
    rows.length ? table([
      { label: t('col.ref'), nowrap: true, value: (r) => r.source_ref },
      { label: t('col.column'), value: (r) => r.column },
      { label: t('col.given'), value: (r) => h('code', null, r.value) },
      { label: t('col.reason'), value: (r) => (lang === 'en' ? r.reason_en : r.reason) },
      { label: t('col.fix'), value: (r) => (lang === 'en' ? r.fix_en : r.fix_vi) },
      { label: t('col.unit'), value: (r) => r.unit || t('refusals.unit.unknown') },
    ], rows, { id: `rows-${f.batch.slice(0, 12)}`, stack: true }) : null);
}

main().catch(fail);
