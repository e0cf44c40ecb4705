// Province detail: the districts (until 30/06/2025) or communes (from
// 01/07/2025) of one province ranked, and the units that have not reported.
// A ranking compares only figures that cover the same periods; the units
// that sent other periods are listed apart with what they sent. The chart
// shows the highest and lowest 15 when there are more than 30 units.
import {
  t, param, setParams, load, start, fail, ready, fmt, fmtPer, fmtInt, h, fill, table, select, downloads, chart, tip,
  provinceColors, showSources, showList, figButton, valueNode, indicatorLabel, indicatorUnit, collator, provinceName,
  yearInfo, yearLabel, defaultYear, yearOptions, partMark, unitLabel, fmtDate, periodOrder,
} from './app.js';

let D;

async function main() {
  D = await load('indicators', 'provinces', 'province_year', 'unit_year', 'completeness', 'reporting', 'years');
  start(D.manifest);
  render();
  ready();
}

function render() {
  const provinces = [...D.provinces].sort((a, b) => a.province_code.localeCompare(b.province_code));
  const province = provinces.some((p) => p.province_code === param('province')) ? param('province') : provinces[0]?.province_code;
  const inProv = D.unit_year.filter((r) => r.province_code === province);
  const unitYears = new Set(inProv.map((r) => r.year));
  const available = [...new Set(D.province_year.map((r) => r.year))].filter((y) => unitYears.has(y) || !unitYears.size);
  const year = available.includes(Number(param('year'))) ? Number(param('year')) : defaultYear(D.years, available);
  const inds = D.indicators.filter((i) => D.province_year.some((r) => r.indicator === i.code));
  const indicator = inds.some((i) => i.code === param('indicator')) ? param('indicator') : inds[0]?.code;
  const ofYear = inProv.filter((r) => r.year === year && r.indicator === indicator);
  const levels = ['commune', 'district'].filter((l) => ofYear.some((r) => r.unit_level === l));
  const level = levels.includes(param('level')) ? param('level') : levels[0];

  select('province', provinces.map((p) => ({ value: p.province_code, label: p.province_name })), province,
    (v) => { setParams({ province: v }); render(); });
  select('year', yearOptions(D.years, available), String(year),
    (v) => { setParams({ year: v, level: '' }); render(); });
  select('indicator', inds.map((i) => ({ value: i.code, label: indicatorLabel(D.indicators, i.code) })), indicator,
    (v) => { setParams({ indicator: v }); render(); });
  const lv = select('level', levels.map((l) => ({ value: l, label: t(`level.${l}_long`) })), level,
    (v) => { setParams({ level: v }); render(); });
  lv.disabled = levels.length < 2;

  const info = yearInfo(D.years, year);
  const unit = indicatorUnit(D.indicators, indicator);
  const pname = provinceName(D.provinces, province);
  fill('ind-title', pname, ' · ', indicatorLabel(D.indicators, indicator), ` (${unit}) – `,
    h('span', { class: info.complete ? null : 'part-year', 'data-field': 'year-label' }, yearLabel(D.years, year)));
  const total = D.province_year.find((r) => r.province_code === province && r.year === year && r.indicator === indicator);
  const open = (sel) => showSources({ province, year, indicator, ...sel }, D.indicators);
  const openTotal = () => open({
    periods: total.periods, preferUnit: total.basis === 'province_report' ? province : undefined,
    title: `${pname} · ${indicatorLabel(D.indicators, indicator)} · ${yearLabel(D.years, year)}`,
  });
  fill('province-total', total ? [
    t('total'), ': ',
    figButton(valueNode(total.value, total.qualifier), openTotal),
    ` ${unit}`, total.partial ? partMark(total.periods_lacking) : null, ' · ',
    figButton(fmtPer(total.per_100k), openTotal), ` ${t('per100k.short')}`,
  ] : t('no.data'));

  const units = ofYear.filter((r) => r.unit_level === level);
  const ranked = units.filter((r) => r.comparable !== false)
    .sort((a, b) => (a.comparable_rank ?? a.rank ?? Infinity) - (b.comparable_rank ?? b.rank ?? Infinity) || collator.compare(a.unit_name, b.unit_name));
  const apart = units.filter((r) => r.comparable === false).sort((a, b) => collator.compare(a.unit_name, b.unit_name));
  const name = (r) => unitLabel(r.unit_name, r.unit_type);
  const openUnit = (r) => open({
    unitCode: r.unit_code, periods: r.periods?.length ? r.periods : [r.period],
    title: `${name(r)} · ${indicatorLabel(D.indicators, indicator)} · ${yearLabel(D.years, year)}`,
  });

  // The chart: all units up to 30, else the highest and lowest 15.
  const el = document.getElementById('chart-rank');
  const many = ranked.length > 30;
  const shown = many ? [...ranked.slice(0, 15), null, ...ranked.slice(-15)] : ranked;
  fill('chart-caption', many ? t('rank.chart') : t('province.ranked'));
  el.style.height = `${Math.max(200, 22 * shown.length + 40)}px`;
  const rev = [...shown].reverse(); // ECharts draws the first category at the bottom
  const c = chart(el, {
    grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', axisLabel: { formatter: (v) => fmt(v, 1) } },
    yAxis: { type: 'category', data: rev.map((r) => (r ? name(r) : '…')), axisLabel: { width: 160, overflow: 'truncate' } },
    tooltip: { trigger: 'item', formatter: (pt) => (rev[pt.dataIndex] ? tip(name(rev[pt.dataIndex]), [[province, unit, fmt(pt.value)]]) : '') },
    series: [{
      type: 'bar', cursor: 'pointer', barMaxWidth: 18,
      itemStyle: { color: provinceColors[province] },
      data: rev.map((r) => (r ? r.value : null)),
      label: { show: true, position: 'right', formatter: (pt) => fmt(pt.value) },
    }],
  });
  c.off('click');
  c.on('click', (pt) => { if (rev[pt.dataIndex]) openUnit(rev[pt.dataIndex]); });

  fill('table-rank', ranked.length ? table([
    { label: t('col.rank'), num: true, value: (r) => (r.comparable_rank != null ? `${r.comparable_rank}/${r.comparable_of}` : `${r.rank}/${r.rank_of}`) },
    { label: t('col.unit'), rowHeader: false, value: (r) => h('span', { 'data-field': 'unit_name' }, name(r)) },
    { label: t('col.period'), value: (r) => (r.periods?.length ? r.periods : [r.period]).join(', ') },
    {
      label: `${t('col.value')} (${unit})`, num: true,
      value: (r) => [figButton(valueNode(r.value, r.qualifier), () => openUnit(r)), r.partial ? partMark(r.periods_lacking) : null],
    },
    // Communes created in 2025 have no census count: no column of dashes.
    ranked.some((r) => r.per_100k != null)
      ? { label: t('col.per100k'), num: true, value: (r) => (r.per_100k != null ? figButton(fmtPer(r.per_100k), () => openUnit(r)) : t('none')) }
      : null,
  ].filter(Boolean), ranked, { id: 'rank' }) : h('p', null, t('no.data')),
  many ? h('p', { class: 'note print-only' }, t('rank.printed', fmtInt(ranked.length - 30))) : null,
  downloads('unit_year', { province_code: province, year, indicator, unit_level: level }));
  document.querySelector('#table-rank table')?.classList.toggle('long', many);

  fill('apart', apart.length === 0 ? null : [
    h('h2', { id: 'apart-title' }, t('rank.apart')),
    h('p', { class: 'note' }, t('rank.apart.note')),
    table([
      { label: t('col.unit'), value: (r) => h('span', { 'data-field': 'unit_name' }, name(r)) },
      { label: t('col.period'), value: (r) => t('periods.sent', (r.periods || []).join(', ')) },
      { label: `${t('col.value')} (${unit})`, num: true, value: (r) => [figButton(valueNode(r.value, r.qualifier), () => openUnit(r)), partMark(r.periods_lacking)] },
    ], apart, { id: 'apart-table' }),
  ]);

  // Who has not reported: the reports the calendar asked for in this year.
  const comp = D.completeness.filter((c) => c.province_code === province && Number(c.period.slice(0, 4)) === year)
    .sort((a, b) => periodOrder(a.period, b.period));
  const reportsOf = (period, pred) => D.reporting.filter((r) => r.province_code === province && r.period === period && pred(r));
  const listReports = (c, title, pred) => showList(`${pname} · ${c.period} · ${title}`, t('completeness.title'), [
    { label: t('col.unit'), value: (r) => unitLabel(r.unit_name, r.unit_type) },
    { label: t('col.status'), value: (r) => t(`comp.status.${r.status}`) },
    { label: t('col.received_on'), nowrap: true, value: (r) => (r.first_received ? fmtDate(r.first_received) : t('none')) },
    { label: t('col.files'), value: (r) => h('span', { class: 'file' }, r.source_files.join('; ') || (r.parts_received.length ? t('comp.parts', r.parts_received.join(', ')) : '')) },
  ], reportsOf(c.period, pred).sort((a, b) => collator.compare(a.unit_name, b.unit_name)));
  fill('missing', comp.length === 0 ? h('p', null, t('no.data')) : comp.map((c) => h('div', { class: 'missing-period' },
    h('h3', null, `${t('col.period')} ${c.period}: `,
      figButton(h('span', { 'data-field': 'received' }, fmtInt(c.received)), () => listReports(c, t('col.received'), (r) => r.status === 'on_time' || r.status === 'late')),
      '/',
      figButton(h('span', { 'data-field': 'expected' }, fmtInt(c.expected)), () => listReports(c, t('col.expected'), () => true))),
    c.missing.length === 0 ? h('p', null, t('province.none_missing'))
      : h('ul', { class: 'names', id: `missing-${c.period}` },
        [...c.missing].sort((a, b) => collator.compare(a.unit_name, b.unit_name))
          .map((m) => h('li', null, unitLabel(m.unit_name, m.unit_type),
            m.status === 'pending' ? ` (${t('comp.status.pending')})` : '',
            m.parts_received?.length ? h('span', { class: 'parts' }, ` (${t('comp.parts', m.parts_received.join(', '))})`) : ''))))),
  downloads('completeness', { province_code: province }));
}

main().catch(fail);
