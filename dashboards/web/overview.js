// Overview: the three provinces side by side for a year and an indicator,
// absolute and per 100,000 inhabitants, with the change on the previous year.
import {
  t, param, setParams, load, start, fail, ready, fmt, fmtSigned, fmtPct, h, fill, table, select,
  downloads, chart, tip, provinceColors, showSources, figButton, valueNode, indicatorLabel,
  indicatorUnit, provinceName,
} from './app.js';

let D;

async function main() {
  D = await load('indicators', 'provinces', 'province_year');
  start(D.manifest);
  render();
  ready();
}

function render() {
  const rows = D.province_year;
  const years = [...new Set(rows.map((r) => r.year))].sort((a, b) => b - a);
  const inds = D.indicators.filter((i) => rows.some((r) => r.indicator === i.code));
  const year = Number(param('year')) || years[0];
  const indicator = inds.some((i) => i.code === param('indicator')) ? param('indicator') : inds[0]?.code;
  select('year', years.map((y) => ({ value: String(y), label: String(y) })), String(year),
    (v) => { setParams({ year: v }); render(); });
  select('indicator', inds.map((i) => ({ value: i.code, label: indicatorLabel(D.indicators, i.code) })), indicator,
    (v) => { setParams({ indicator: v }); render(); });

  const unit = indicatorUnit(D.indicators, indicator);
  fill('ind-title', indicatorLabel(D.indicators, indicator), ` (${unit}) – ${year}`);
  const provinces = [...D.provinces].sort((a, b) => a.province_code.localeCompare(b.province_code));
  const sel = provinces.map((p) => ({
    p, r: rows.find((r) => r.province_code === p.province_code && r.year === year && r.indicator === indicator),
  }));
  const open = (pc, ind, r) => showSources({
    province: pc, year, indicator: ind, periods: r?.periods,
    preferUnit: r?.basis === 'province_report' ? pc : undefined,
    title: `${provinceName(D.provinces, pc)} · ${indicatorLabel(D.indicators, ind)} · ${year}`,
  }, D.indicators);

  fill('cards', sel.map(({ p, r }) => h('article', { class: `card p${p.province_code}`, 'data-province': p.province_code },
    h('h3', null, p.province_name),
    r ? [
      h('p', { class: 'big' }, figButton(valueNode(r.value, r.qualifier), () => open(p.province_code, indicator, r)),
        h('span', { class: 'unit' }, ` ${unit}`)),
      h('p', null, h('span', { 'data-field': 'per_100k' }, fmt(r.per_100k)), ` ${t('per100k.short')}`),
      h('p', { class: `yoy ${r.yoy_change > 0 ? 'up' : r.yoy_change < 0 ? 'down' : ''}` },
        h('span', { 'data-field': 'yoy_change' }, fmtSigned(r.yoy_change)), ' (',
        h('span', { 'data-field': 'yoy_pct' }, fmtPct(r.yoy_pct)), `) ${t('yoy.short')}`),
      h('p', { class: 'basis' }, t(`basis.${r.basis}`), ' · ', t('col.units_reporting'), ': ', fmt(r.units_reporting, 0),
        r.difference_flag ? h('span', { class: 'flag', title: t('diff.flag') }, ' ⚑') : null),
    ] : h('p', { class: 'nodata' }, t('no.data')),
  )));

  const data = sel.filter((x) => x.r);
  const bar = (field, el) => {
    const c = chart(el, {
      grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: data.map((x) => x.p.province_name) },
      yAxis: { type: 'value', axisLabel: { formatter: (v) => fmt(v, 1) } },
      tooltip: {
        trigger: 'item',
        formatter: (pt) => tip(pt.name, [[data[pt.dataIndex].p.province_code, field === 'value' ? unit : t('per100k.short'), fmt(pt.value)]]),
      },
      series: [{
        type: 'bar', barMaxWidth: 56, cursor: 'pointer',
        data: data.map((x) => ({ value: x.r[field], itemStyle: { color: provinceColors[x.p.province_code] } })),
        label: { show: true, position: 'top', formatter: (pt) => fmt(pt.value) },
      }],
    });
    c.off('click');
    c.on('click', (pt) => open(data[pt.dataIndex].p.province_code, indicator, data[pt.dataIndex].r));
  };
  bar('value', 'chart-abs');
  bar('per_100k', 'chart-per');

  fill('table-main', table([
    { label: t('col.province'), rowHeader: true, value: (x) => x.p.province_name },
    { label: `${t('col.value')} (${unit})`, num: true, value: (x) => (x.r ? figButton(valueNode(x.r.value, x.r.qualifier), () => open(x.p.province_code, indicator, x.r)) : t('none')) },
    { label: t('col.per100k'), num: true, value: (x) => fmt(x.r?.per_100k) },
    { label: t('col.yoy'), num: true, value: (x) => fmtSigned(x.r?.yoy_change) },
    { label: t('col.yoy_pct'), num: true, value: (x) => fmtPct(x.r?.yoy_pct) },
    { label: t('col.units_reporting'), num: true, value: (x) => fmt(x.r?.units_reporting, 0) },
    { label: t('col.basis'), value: (x) => (x.r ? t(`basis.${x.r.basis}`) : t('none')) },
  ], sel, { id: 'compare' }), downloads('province_year', { year, indicator }));

  fill('all-year', String(year));
  fill('table-all', table([
    { label: t('col.indicator'), rowHeader: true, value: (i) => [indicatorLabel(D.indicators, i.code), h('span', { class: 'unit' }, ` (${i.unit})`)] },
    ...provinces.map((p) => ({
      label: p.province_name, num: true,
      value: (i) => {
        const r = rows.find((x) => x.province_code === p.province_code && x.year === year && x.indicator === i.code);
        return r ? figButton(valueNode(r.value, r.qualifier), () => open(p.province_code, i.code, r)) : t('none');
      },
    })),
  ], inds, { id: 'all' }), downloads('province_year', { year }));
}

main().catch(fail);
