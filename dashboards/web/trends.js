// Trends: each province's series over the years, with the 2025 reform
// marked. A year known only in part (2026 with its first half) is a lower
// bound, not a fall: the line runs into it dashed, its point is hollow, and
// its row says what it holds.
import {
  t, param, setParams, load, start, fail, ready, fmt, fmtPct, fmtPer, fill, table, select, downloads,
  chart, tip, h, provinceColors, showSources, figButton, valueNode, indicatorLabel, indicatorUnit, provinceName,
  yearLabel, partMark,
} from './app.js';

let D;

async function main() {
  D = await load('indicators', 'provinces', 'province_year', 'years');
  start(D.manifest);
  render();
  ready();
}

function render() {
  const rows = D.province_year;
  const inds = D.indicators.filter((i) => rows.some((r) => r.indicator === i.code));
  const indicator = inds.some((i) => i.code === param('indicator')) ? param('indicator') : inds[0]?.code;
  const measure = param('measure') === 'per_100k' ? 'per_100k' : 'value';
  select('indicator', inds.map((i) => ({ value: i.code, label: indicatorLabel(D.indicators, i.code) })), indicator,
    (v) => { setParams({ indicator: v }); render(); });
  select('measure', ['value', 'per_100k'].map((m) => ({ value: m, label: t(`measure.${m}`) })), measure,
    (v) => { setParams({ measure: v === 'value' ? '' : v }); render(); });

  const unit = indicatorUnit(D.indicators, indicator);
  const show = (v) => (measure === 'value' ? fmt(v) : fmtPer(v));
  fill('ind-title', indicatorLabel(D.indicators, indicator), ` (${measure === 'value' ? unit : `${unit}, ${t('per100k.short')}`})`);
  const years = [...new Set(rows.map((r) => r.year))].sort((a, b) => a - b);
  const provinces = [...D.provinces].sort((a, b) => a.province_code.localeCompare(b.province_code));
  const get = (pc, y) => rows.find((r) => r.province_code === pc && r.year === y && r.indicator === indicator);
  const open = (pc, y) => {
    const r = get(pc, y);
    if (!r) return;
    showSources({
      province: pc, year: y, indicator, periods: r.periods,
      preferUnit: r.basis === 'province_report' ? pc : undefined,
      title: `${provinceName(D.provinces, pc)} · ${indicatorLabel(D.indicators, indicator)} · ${yearLabel(D.years, y)}`,
    }, D.indicators);
  };

  // Two series a province: whole years solid; dashed from the last whole
  // year into each part-year. Same name, so the legend shows one entry.
  const series = provinces.flatMap((p, i) => {
    const color = provinceColors[p.province_code];
    const solid = years.map((y) => {
      const r = get(p.province_code, y);
      return r && !r.partial ? r[measure] : null;
    });
    const dashed = years.map((y, k) => {
      const r = get(p.province_code, y);
      if (!r) return null;
      if (r.partial) return { value: r[measure], symbol: 'emptyDiamond', symbolSize: 14, itemStyle: { color, borderWidth: 2 } };
      const next = get(p.province_code, years[k + 1]);
      return next?.partial ? r[measure] : null;
    });
    return [{
      name: p.province_name, type: 'line', symbolSize: 8, cursor: 'pointer', connectNulls: false,
      itemStyle: { color }, lineStyle: { width: 3 }, data: solid,
      markLine: i === 0 && years.includes(2025) ? {
        silent: true, symbol: 'none',
        lineStyle: { type: 'dashed', color: '#555' },
        label: { formatter: t('reform'), position: 'end', align: 'right', color: '#333' },
        data: [{ xAxis: '2025' }],
      } : undefined,
    }, {
      name: p.province_name, type: 'line', symbolSize: 8, cursor: 'pointer', connectNulls: false,
      itemStyle: { color }, lineStyle: { width: 3, type: 'dashed' }, data: dashed,
    }];
  });
  const c = chart('chart-trend', {
    legend: { top: 0, data: provinces.map((p) => p.province_name) },
    grid: { left: 8, right: 24, top: 64, bottom: 8, containLabel: true },
    xAxis: {
      type: 'category', data: years.map(String), boundaryGap: true,
      axisLabel: { formatter: (v) => (D.years.find((y) => String(y.year) === v && !y.complete) ? `${v}*` : v) },
    },
    yAxis: { type: 'value', axisLabel: { formatter: (v) => fmt(v, 1) } },
    tooltip: {
      trigger: 'axis',
      formatter: (pts) => {
        const y = years[pts[0].dataIndex];
        return tip(yearLabel(D.years, y), provinces.map((p) => {
          const r = get(p.province_code, y);
          return [p.province_code, p.province_name, r ? show(r[measure]) + (r.partial ? ` (${t('partial')})` : '') : t('none')];
        }));
      },
    },
    series,
  });
  c.off('click');
  c.on('click', (pt) => { if (pt.componentType === 'series') open(provinces[Math.floor(pt.seriesIndex / 2)].province_code, years[pt.dataIndex]); });

  fill('table-trend', table([
    { label: t('col.year'), rowHeader: true, value: (y) => h('span', { 'data-field': 'year' }, yearLabel(D.years, y)) },
    ...provinces.flatMap((p) => [{
      label: p.province_name, num: true,
      value: (y) => {
        const r = get(p.province_code, y);
        if (!r) return t('none');
        const fig = measure === 'value'
          ? figButton(valueNode(r.value, r.qualifier), () => open(p.province_code, y))
          : figButton(fmtPer(r.per_100k), () => open(p.province_code, y));
        return r.partial ? [fig, partMark(r.periods_lacking)] : fig;
      },
    }, {
      label: `${t('col.yoy_pct')}`, num: true,
      value: (y) => {
        const r = get(p.province_code, y);
        if (r && r.yoy_pct == null && r.yoy_note) return h('span', { class: 'yoy-none', title: t(`yoy.none.${r.yoy_note}`) }, t('none'));
        return fmtPct(r?.yoy_pct);
      },
    }]),
  ], years, { id: 'trend' }),
  rows.some((r) => r.indicator === indicator && r.partial) ? h('p', { class: 'note' }, t('partial.note')) : null,
  downloads('province_year', { indicator }));
}

main().catch(fail);
