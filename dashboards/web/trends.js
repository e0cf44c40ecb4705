// Trends: each province's series over the years, with the 2025 reform marked.
import {
  t, param, setParams, load, start, fail, ready, fmt, fmtPct, fill, table, select, downloads,
  chart, tip, h, provinceColors, showSources, figButton, valueNode, indicatorLabel, indicatorUnit, provinceName,
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
  const inds = D.indicators.filter((i) => rows.some((r) => r.indicator === i.code));
  const indicator = inds.some((i) => i.code === param('indicator')) ? param('indicator') : inds[0]?.code;
  const measure = param('measure') === 'per_100k' ? 'per_100k' : 'value';
  select('indicator', inds.map((i) => ({ value: i.code, label: indicatorLabel(D.indicators, i.code) })), indicator,
    (v) => { setParams({ indicator: v }); render(); });
  select('measure', ['value', 'per_100k'].map((m) => ({ value: m, label: t(`measure.${m}`) })), measure,
    (v) => { setParams({ measure: v === 'value' ? '' : v }); render(); });

  const unit = indicatorUnit(D.indicators, indicator);
  fill('ind-title', indicatorLabel(D.indicators, indicator), ` (${measure === 'value' ? unit : `${unit}, ${t('per100k.short')}`})`);
  const years = [...new Set(rows.map((r) => r.year))].sort((a, b) => a - b);
  const provinces = [...D.provinces].sort((a, b) => a.province_code.localeCompare(b.province_code));
  const get = (pc, y) => rows.find((r) => r.province_code === pc && r.year === y && r.indicator === indicator);
  const open = (pc, y) => {
    const r = get(pc, y);
    showSources({
      province: pc, year: y, indicator, periods: r?.periods,
      preferUnit: r?.basis === 'province_report' ? pc : undefined,
      title: `${provinceName(D.provinces, pc)} · ${indicatorLabel(D.indicators, indicator)} · ${y}`,
    }, D.indicators);
  };

  const c = chart('chart-trend', {
    legend: { top: 0 },
    grid: { left: 8, right: 24, top: 64, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: years.map(String), boundaryGap: true },
    yAxis: { type: 'value', axisLabel: { formatter: (v) => fmt(v, 1) } },
    tooltip: {
      trigger: 'axis',
      formatter: (pts) => tip(pts[0].axisValue, pts.map((pt) => {
        const r = get(provinces[pt.seriesIndex].province_code, years[pt.dataIndex]);
        return [provinces[pt.seriesIndex].province_code, pt.seriesName, fmt(r?.[measure]) + (r?.partial ? ` (${t('partial')})` : '')];
      })),
    },
    series: provinces.map((p, i) => ({
      name: p.province_name, type: 'line', symbolSize: 8, cursor: 'pointer',
      itemStyle: { color: provinceColors[p.province_code] }, lineStyle: { width: 3 },
      // A year known only in part (2026 with its first half) is a lower
      // bound: drawn as a hollow diamond so nobody reads it as a fall.
      data: years.map((y) => {
        const r = get(p.province_code, y);
        if (!r) return null;
        return r.partial ? {
          value: r[measure], symbol: 'emptyDiamond', symbolSize: 14,
          itemStyle: { color: provinceColors[p.province_code], borderWidth: 2 },
        } : r[measure];
      }),
      markLine: i === 0 && years.includes(2025) ? {
        silent: true, symbol: 'none',
        lineStyle: { type: 'dashed', color: '#555' },
        label: { formatter: t('reform'), position: 'end', align: 'right', color: '#333' },
        data: [{ xAxis: '2025' }],
      } : undefined,
    })),
  });
  c.off('click');
  c.on('click', (pt) => { if (pt.componentType === 'series') open(provinces[pt.seriesIndex].province_code, years[pt.dataIndex]); });

  fill('table-trend', table([
    { label: t('col.year'), rowHeader: true, value: (y) => String(y) },
    ...provinces.flatMap((p) => [{
      label: p.province_name, num: true,
      value: (y) => {
        const r = get(p.province_code, y);
        if (!r) return t('none');
        const fig = measure === 'value'
          ? figButton(valueNode(r.value, r.qualifier), () => open(p.province_code, y))
          : figButton(fmt(r.per_100k), () => open(p.province_code, y));
        return r.partial ? h('span', { title: t('partial') }, fig, ' *') : fig;
      },
    }, {
      label: `${t('col.yoy_pct')}`, num: true, value: (y) => fmtPct(get(p.province_code, y)?.yoy_pct),
    }]),
  ], years, { id: 'trend' }),
  rows.some((r) => r.indicator === indicator && r.partial) ? h('p', { class: 'note' }, t('partial.note')) : null,
  downloads('province_year', { indicator }));
}

main().catch(fail);
