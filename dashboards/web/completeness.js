// Completeness: reporting rate and timeliness per province and period.
import {
  t, param, setParams, load, start, fail, ready, fmt, fmtRate, fmtDate, h, fill, table, select, downloads,
  chart, tip, provinceColors, collator, provinceName,
} from './app.js';

let D;

async function main() {
  D = await load('provinces', 'completeness');
  start(D.manifest);
  render();
  ready();
}

// periodOrder sorts 2024 before 2025-H1 before 2025-H2.
const periodOrder = (a, b) => collator.compare(a, b);

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
      formatter: (pts) => tip(pts[0].axisValue, pts.map((pt) => [shown[pt.seriesIndex].province_code, pt.seriesName, `${fmt(pt.value)}%`])),
    },
    series: shown.map((p) => ({
      name: p.province_name, type: 'bar', barMaxWidth: 32,
      itemStyle: { color: provinceColors[p.province_code] },
      data: periods.map((per) => {
        const r = rows.find((x) => x.province_code === p.province_code && x.period === per);
        return r ? Math.round(r.rate * 1000) / 10 : null;
      }),
    })),
  });

  fill('table-comp', table([
    { label: t('col.province'), nowrap: true, value: (r) => provinceName(D.provinces, r.province_code) },
    { label: t('col.period'), nowrap: true, value: (r) => r.period },
    { label: t('col.expected'), num: true, value: (r) => fmt(r.expected, 0) },
    { label: t('col.received'), num: true, value: (r) => fmt(r.received, 0) },
    { label: t('col.on_time'), num: true, value: (r) => fmt(r.on_time, 0) },
    { label: t('col.late'), num: true, value: (r) => fmt(r.late, 0) },
    { label: t('col.rate'), num: true, value: (r) => h('span', { 'data-field': 'rate' }, fmtRate(r.rate)) },
    { label: t('col.timeliness'), num: true, value: (r) => fmtRate(r.timeliness) },
    { label: t('col.deadline'), nowrap: true, value: (r) => fmtDate(r.deadline) },
    {
      label: t('col.missing'),
      value: (r) => h('ul', { class: 'names inline' }, [...(r.missing || [])]
        .sort((a, b) => collator.compare(a.unit_name, b.unit_name)).map((m) => h('li', null, m.unit_name))),
    },
  ], rows, { id: 'comp' }), downloads('completeness', { province_code: province }));
}

main().catch(fail);
