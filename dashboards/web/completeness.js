// Completeness: for each province and each report the reporting calendar
// asks for (and no other period), how many units owed it, sent it, on time
// or late, and who has not; every count opens the units behind it.
import {
  t, param, setParams, load, start, fail, ready, fmt, fmtRate, fmtDate, fmtInt, h, fill, table, select, downloads,
  chart, tip, provinceColors, collator, provinceName, showList, figButton, unitLabel, lang, periodOrder,
} from './app.js';

let D;

async function main() {
  D = await load('provinces', 'completeness', 'reporting');
  start(D.manifest);
  render();
  ready();
}

function render() {
  const provinces = [...D.provinces].sort((a, b) => a.province_code.localeCompare(b.province_code));
  const province = provinces.some((p) => p.province_code === param('province')) ? param('province') : '';
  select('province', [{ value: '', label: t('f.all') },
    ...provinces.map((p) => ({ value: p.province_code, label: p.province_name }))], province,
  (v) => { setParams({ province: v }); render(); });

  const rows = D.completeness.filter((c) => !province || c.province_code === province)
    .sort((a, b) => a.province_code.localeCompare(b.province_code) || periodOrder(a.period, b.period));
  const periods = [...new Set(rows.map((r) => r.period))].sort(periodOrder);
  const shown = provinces.filter((p) => !province || p.province_code === province);

  chart('chart-rate', {
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: periods },
    yAxis: { type: 'value', max: 100, axisLabel: { formatter: (v) => `${fmt(v, 0)}%` } },
    tooltip: {
      trigger: 'axis',
      formatter: (pts) => tip(pts[0].axisValue, pts.map((pt) => [shown[pt.seriesIndex].province_code, pt.seriesName, fmtRate(pt.value / 100)])),
    },
    series: shown.map((p) => ({
      name: p.province_name, type: 'bar', barMaxWidth: 24,
      itemStyle: { color: provinceColors[p.province_code] },
      data: periods.map((per) => {
        const r = rows.find((x) => x.province_code === p.province_code && x.period === per);
        return r ? Math.round(r.rate * 1000) / 10 : null;
      }),
    })),
  });

  // Each count opens the units behind it, from reporting.json.
  const units = (r, pred) => D.reporting.filter((x) => x.province_code === r.province_code && x.period === r.period && pred(x))
    .sort((a, b) => collator.compare(a.unit_name, b.unit_name));
  const list = (r, what, pred) => showList(`${provinceName(D.provinces, r.province_code)} · ${r.period} · ${what}`,
    lang === 'en' ? units(r, () => true)[0]?.report_label_en : units(r, () => true)[0]?.report_label_vi, [
      { label: t('col.unit'), value: (x) => unitLabel(x.unit_name, x.unit_type) },
      { label: t('col.status'), value: (x) => t(`comp.status.${x.status}`) },
      { label: t('col.received_on'), nowrap: true, value: (x) => (x.first_received ? fmtDate(x.first_received) : t('none')) },
      { label: t('col.deadline_short'), nowrap: true, value: (x) => fmtDate(x.deadline) },
      {
        label: t('col.files'),
        value: (x) => h('span', { class: 'file' }, x.source_files.join('; ')
          || (x.parts_received.length ? t('comp.parts', x.parts_received.join(', ')) : '')),
      },
    ], units(r, pred), downloads('reporting', { province_code: r.province_code, period: r.period }));
  const count = (field, what, pred) => ({
    label: t(`col.${field}`), num: true,
    value: (r) => (r[field] > 0
      ? figButton(h('span', { 'data-field': field }, fmtInt(r[field])), () => list(r, t(`col.${field}`), pred))
      : h('span', { 'data-field': field }, fmtInt(r[field]))),
  });
  const received = (x) => x.status === 'on_time' || x.status === 'late';
  fill('table-comp', table([
    { label: t('col.province'), nowrap: true, value: (r) => provinceName(D.provinces, r.province_code) },
    { label: t('col.period'), nowrap: true, value: (r) => r.period },
    count('expected', '', () => true),
    count('received', '', received),
    count('on_time', '', (x) => x.status === 'on_time'),
    count('late', '', (x) => x.status === 'late'),
    count('pending', '', (x) => x.status === 'pending'),
    { label: t('col.rate'), num: true, value: (r) => h('span', { 'data-field': 'rate' }, fmtRate(r.rate)) },
    { label: t('col.timeliness'), num: true, value: (r) => fmtRate(r.timeliness) },
    { label: t('col.deadline'), nowrap: true, value: (r) => fmtDate(r.deadline) },
    {
      label: t('col.missing'),
      value: (r) => h('ul', { class: 'names inline' }, [...(r.missing || [])]
        .sort((a, b) => collator.compare(a.unit_name, b.unit_name)).map((m) => h('li', null, unitLabel(m.unit_name, m.unit_type),
          m.status === 'pending' ? ` (${t('comp.status.pending')})` : '',
          m.parts_received?.length ? h('span', { class: 'parts' }, ` (${t('comp.parts', m.parts_received.join(', '))})`) : ''))),
    },
  ], rows, { id: 'comp' }), downloads('completeness', { province_code: province }));
}

main().catch(fail);
