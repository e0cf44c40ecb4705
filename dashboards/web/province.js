// Province detail: the districts (until 30/06/2025) or communes (from
// 01/07/2025) of one province ranked, and the units that have not reported.
import {
  t, param, setParams, load, start, fail, ready, fmt, h, fill, table, select, downloads, chart, tip,
  provinceColors, showSources, figButton, valueNode, indicatorLabel, indicatorUnit, collator, provinceName,
} from './app.js';

let D;

async function main() {
  D = await load('indicators', 'provinces', 'province_year', 'unit_year', 'completeness');
  start(D.manifest);
  render();
  ready();
}

function render() {
  const provinces = [...D.provinces].sort((a, b) => a.province_code.localeCompare(b.province_code));
  const province = provinces.some((p) => p.province_code === param('province')) ? param('province') : provinces[0]?.province_code;
  const inProv = D.unit_year.filter((r) => r.province_code === province);
  const years = [...new Set(D.province_year.map((r) => r.year))].sort((a, b) => b - a);
  const unitYears = new Set(inProv.map((r) => r.year));
  const year = Number(param('year')) || years.find((y) => unitYears.has(y)) || years[0];
  const inds = D.indicators.filter((i) => D.province_year.some((r) => r.indicator === i.code));
  const indicator = inds.some((i) => i.code === param('indicator')) ? param('indicator') : inds[0]?.code;
  const ofYear = inProv.filter((r) => r.year === year && r.indicator === indicator);
  const levels = ['commune', 'district'].filter((l) => ofYear.some((r) => r.unit_level === l));
  const level = levels.includes(param('level')) ? param('level') : levels[0];

  select('province', provinces.map((p) => ({ value: p.province_code, label: p.province_name })), province,
    (v) => { setParams({ province: v }); render(); });
  select('year', years.map((y) => ({ value: String(y), label: String(y) })), String(year),
    (v) => { setParams({ year: v, level: '' }); render(); });
  select('indicator', inds.map((i) => ({ value: i.code, label: indicatorLabel(D.indicators, i.code) })), indicator,
    (v) => { setParams({ indicator: v }); render(); });
  const lv = select('level', levels.map((l) => ({ value: l, label: t(`level.${l}_long`) })), level,
    (v) => { setParams({ level: v }); render(); });
  lv.disabled = levels.length < 2;

  const unit = indicatorUnit(D.indicators, indicator);
  const pname = provinceName(D.provinces, province);
  fill('ind-title', pname, ' · ', indicatorLabel(D.indicators, indicator), ` (${unit}) – ${year}`);
  const total = D.province_year.find((r) => r.province_code === province && r.year === year && r.indicator === indicator);
  const open = (sel) => showSources({ province, year, indicator, ...sel }, D.indicators);
  fill('province-total', total ? [
    t('total'), ': ',
    figButton(valueNode(total.value, total.qualifier), () => open({
      periods: total.periods, preferUnit: total.basis === 'province_report' ? province : undefined,
      title: `${pname} · ${indicatorLabel(D.indicators, indicator)} · ${year}`,
    })),
    ` ${unit} · ${fmt(total.per_100k)} ${t('per100k.short')}`,
  ] : t('no.data'));

  const units = ofYear.filter((r) => r.unit_level === level)
    .sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || collator.compare(a.unit_name, b.unit_name));
  const openUnit = (r) => open({
    unitCode: r.unit_code, periods: [r.period],
    title: `${r.unit_name} · ${indicatorLabel(D.indicators, indicator)} · ${r.period}`,
  });

  const el = document.getElementById('chart-rank');
  el.style.height = `${Math.max(200, 28 * units.length + 40)}px`;
  const rev = [...units].reverse(); // ECharts draws the first category at the bottom
  const c = chart(el, {
    grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', axisLabel: { formatter: (v) => fmt(v, 1) } },
    yAxis: { type: 'category', data: rev.map((r) => r.unit_name), axisLabel: { width: 160, overflow: 'truncate' } },
    tooltip: { trigger: 'item', formatter: (pt) => tip(rev[pt.dataIndex].unit_name, [[province, unit, fmt(pt.value)]]) },
    series: [{
      type: 'bar', cursor: 'pointer', barMaxWidth: 22,
      itemStyle: { color: provinceColors[province] },
      data: rev.map((r) => r.value),
      label: { show: true, position: 'right', formatter: (pt) => fmt(pt.value) },
    }],
  });
  c.off('click');
  c.on('click', (pt) => openUnit(rev[pt.dataIndex]));

  fill('table-rank', units.length ? table([
    { label: t('col.rank'), num: true, value: (r) => (r.rank != null ? `${r.rank}/${r.rank_of}` : t('none')) },
    { label: t('col.unit'), rowHeader: false, value: (r) => h('span', { 'data-field': 'unit_name' }, r.unit_name) },
    { label: t('col.period'), value: (r) => r.period },
    { label: `${t('col.value')} (${unit})`, num: true, value: (r) => figButton(valueNode(r.value, r.qualifier), () => openUnit(r)) },
    { label: t('col.per100k'), num: true, value: (r) => fmt(r.per_100k) },
  ], units, { id: 'rank' }) : h('p', null, t('no.data')),
  downloads('unit_year', { province_code: province, year, indicator, unit_level: level }));

  // Who has not reported, for the periods of the chosen year.
  const comp = D.completeness.filter((c) => c.province_code === province && c.period.startsWith(String(year)))
    .sort((a, b) => collator.compare(a.period, b.period));
  fill('missing', comp.length === 0 ? h('p', null, t('no.data')) : comp.map((c) => h('div', { class: 'missing-period' },
    h('h3', null, `${t('col.period')} ${c.period}: ${fmt(c.received, 0)}/${fmt(c.expected, 0)}`),
    c.missing.length === 0 ? h('p', null, t('province.none_missing'))
      : h('ul', { class: 'names', id: `missing-${c.period}` },
        [...c.missing].sort((a, b) => collator.compare(a.unit_name, b.unit_name))
          .map((m) => h('li', null, m.unit_name))))),
  downloads('completeness', { province_code: province }));
}

main().catch(fail);
