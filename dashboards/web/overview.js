// Overview: the three provinces side by side for a year and an indicator,
// absolute and per 100,000 inhabitants, with the change on the previous year.
// It opens on the latest complete year; a part-year can be chosen and is
// marked as such, and is never compared with a whole year.
import {
  t, param, setParams, load, start, fail, ready, fmt, fmtSigned, fmtPct, fmtPer, fmtInt, h, fill, table, select,
  downloads, chart, tip, provinceColors, showSources, figButton, valueNode, indicatorLabel,
  indicatorUnit, provinceName, yearInfo, yearLabel, defaultYear, yearOptions, partMark, lang,
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
  const available = [...new Set(rows.map((r) => r.year))];
  const inds = D.indicators.filter((i) => rows.some((r) => r.indicator === i.code));
  const year = available.includes(Number(param('year'))) ? Number(param('year')) : defaultYear(D.years, available);
  const indicator = inds.some((i) => i.code === param('indicator')) ? param('indicator') : inds[0]?.code;
  select('year', yearOptions(D.years, available), String(year),
    (v) => { setParams({ year: v }); render(); });
  select('indicator', inds.map((i) => ({ value: i.code, label: indicatorLabel(D.indicators, i.code) })), indicator,
    (v) => { setParams({ indicator: v }); render(); });

  const info = yearInfo(D.years, year);
  const unit = indicatorUnit(D.indicators, indicator);
  fill('ind-title', indicatorLabel(D.indicators, indicator), ` (${unit}) – `,
    h('span', { class: info.complete ? null : 'part-year', 'data-field': 'year-label' }, yearLabel(D.years, year)));
  const lacking = info.periods_lacking?.length ? info.periods_lacking.join(', ') : '';
  fill('part-note', info.complete ? null : h('p', { class: 'part-note', role: 'note' },
    t('partial.note', lacking)));
  const provinces = [...D.provinces].sort((a, b) => a.province_code.localeCompare(b.province_code));
  const find = (pc, y, ind) => rows.find((r) => r.province_code === pc && r.year === y && r.indicator === ind);
  const sel = provinces.map((p) => ({ p, r: find(p.province_code, year, indicator) }));
  const title = (pc, ind, y = year) => `${provinceName(D.provinces, pc)} · ${indicatorLabel(D.indicators, ind)} · ${yearLabel(D.years, y)}`;
  const part = (pc, ind, r, y = year) => ({
    province: pc, year: y, indicator: ind, periods: r?.periods,
    preferUnit: r?.basis === 'province_report' ? pc : undefined,
  });
  const open = (pc, ind, r) => showSources({ ...part(pc, ind, r), title: title(pc, ind) }, D.indicators);
  // A change opens the facts of both years.
  const openChange = (pc, ind, r) => {
    const prev = find(pc, year - 1, ind);
    showSources({ parts: [part(pc, ind, prev, year - 1), part(pc, ind, r)], title: `${title(pc, ind)} / ${year - 1}` }, D.indicators);
  };
  const openUnits = (pc, ind, r) => showSources({
    province: pc, year, indicator: ind, periods: r?.periods, unitsOnly: true, title: title(pc, ind),
  }, D.indicators);
  const yoyNode = (r) => (r.yoy_change == null
    ? h('span', { class: 'yoy-none', 'data-field': 'yoy_note' }, t(`yoy.none.${r.yoy_note || 'no_previous_year'}`))
    : [figButton(h('span', { 'data-field': 'yoy_change' }, fmtSigned(r.yoy_change)), () => openChange(r.province_code, r.indicator, r)),
      ' (', h('span', { 'data-field': 'yoy_pct' }, fmtPct(r.yoy_pct)), `) ${t('yoy.short')}`]);
  const pageLink = (pc) => {
    const q = new URLSearchParams({ province: pc, year: String(year), indicator });
    if (lang === 'en') q.set('lang', 'en');
    return `/province?${q}`;
  };

  fill('cards', sel.map(({ p, r }) => h('article', { class: `card p${p.province_code}`, 'data-province': p.province_code },
    h('h3', null, h('a', { href: pageLink(p.province_code), title: t('card.open'), class: 'card-link' }, p.province_name)),
    r ? [
      h('p', { class: 'big' }, figButton(valueNode(r.value, r.qualifier), () => open(p.province_code, indicator, r)),
        h('span', { class: 'unit' }, ` ${unit}`), r.partial ? partMark(r.periods_lacking) : null),
      h('p', null, figButton(h('span', { 'data-field': 'per_100k' }, fmtPer(r.per_100k)), () => open(p.province_code, indicator, r)),
        ` ${t('per100k.short')}`),
      h('p', { class: `yoy ${r.yoy_change > 0 ? 'up' : r.yoy_change < 0 ? 'down' : ''}` }, yoyNode(r)),
      h('p', { class: 'basis' }, t(`basis.${r.basis}`), ' · ', t('col.units_reporting'), ': ',
        r.units_reporting > 0 ? figButton(fmtInt(r.units_reporting), () => openUnits(p.province_code, indicator, r), t('units.open')) : fmtInt(0),
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
        formatter: (pt) => tip(pt.name, [[data[pt.dataIndex].p.province_code, field === 'value' ? unit : t('per100k.short'),
          field === 'value' ? fmt(pt.value) : fmtPer(pt.value)]]),
      },
      series: [{
        type: 'bar', barMaxWidth: 56, cursor: 'pointer',
        data: data.map((x) => ({
          value: x.r[field],
          itemStyle: { color: provinceColors[x.p.province_code], opacity: x.r.partial ? 0.55 : 1 },
        })),
        label: { show: true, position: 'top', formatter: (pt) => (field === 'value' ? fmt(pt.value) : fmtPer(pt.value)) },
      }],
    });
    c.off('click');
    c.on('click', (pt) => open(data[pt.dataIndex].p.province_code, indicator, data[pt.dataIndex].r));
  };
  bar('value', 'chart-abs');
  bar('per_100k', 'chart-per');

  fill('table-main', table([
    { label: t('col.province'), rowHeader: true, value: (x) => x.p.province_name },
    {
      label: `${t('col.value')} (${unit})`, num: true,
      value: (x) => (x.r ? [figButton(valueNode(x.r.value, x.r.qualifier), () => open(x.p.province_code, indicator, x.r)),
        x.r.partial ? partMark(x.r.periods_lacking) : null] : t('none')),
    },
    {
      label: t('col.per100k'), num: true,
      value: (x) => (x.r?.per_100k != null ? figButton(fmtPer(x.r.per_100k), () => open(x.p.province_code, indicator, x.r)) : t('none')),
    },
    {
      label: t('col.yoy'), num: true,
      value: (x) => (!x.r ? t('none') : x.r.yoy_change == null ? h('span', { class: 'yoy-none' }, t(`yoy.none.${x.r.yoy_note || 'no_previous_year'}`))
        : figButton(fmtSigned(x.r.yoy_change), () => openChange(x.p.province_code, indicator, x.r))),
    },
    { label: t('col.yoy_pct'), num: true, value: (x) => fmtPct(x.r?.yoy_pct) },
    {
      label: t('col.units_reporting'), num: true,
      value: (x) => (x.r?.units_reporting > 0 ? figButton(fmtInt(x.r.units_reporting), () => openUnits(x.p.province_code, indicator, x.r), t('units.open')) : fmtInt(x.r?.units_reporting)),
    },
    { label: t('col.basis'), value: (x) => (x.r ? t(`basis.${x.r.basis}`) : t('none')) },
  ], sel, { id: 'compare' }), downloads('province_year', { year, indicator }));

  fill('all-year', yearLabel(D.years, year));
  fill('table-all', table([
    { label: t('col.indicator'), rowHeader: true, value: (i) => [indicatorLabel(D.indicators, i.code), h('span', { class: 'unit' }, ` (${indicatorUnit(D.indicators, i.code)})`)] },
    ...provinces.map((p) => ({
      label: p.province_name, num: true,
      value: (i) => {
        const r = find(p.province_code, year, i.code);
        return r ? [figButton(valueNode(r.value, r.qualifier), () => open(p.province_code, i.code, r)),
          r.partial ? h('span', { class: 'part-star', title: t('partial.marker') }, ' *') : null] : t('none');
      },
    })),
  ], inds, { id: 'all' }),
  rows.some((r) => r.year === year && r.partial) ? h('p', { class: 'note' }, t('partial.note', lacking)) : null,
  downloads('province_year', { year }));
}

main().catch(fail);
