// Runs: the recent refresh runs and the next scheduled one, from /api/runs;
// each run's refused values link to the refusals page, and a run that
// published with problems lists them.
import { t, load, start, fail, ready, fmtDateTime, dateTimeNode, fmt, fmtInt, h, fill, table, lang } from './app.js';

async function main() {
  const [{ manifest }, runs] = await Promise.all([
    load().catch(() => ({ manifest: null })), // the runs page must work before any snapshot exists
    fetch('/api/runs').then((r) => { if (!r.ok) throw new Error(`/api/runs: HTTP ${r.status}`); return r.json(); }),
  ]);
  start(manifest);
  const next = document.getElementById('next-run');
  next.textContent = runs.next ? fmtDateTime(runs.next) : t('runs.unscheduled');
  if (runs.next) next.setAttribute('datetime', runs.next);
  const duration = (r) => {
    if (!r.finished_at) return t('none');
    const s = (new Date(r.finished_at) - new Date(r.started_at)) / 1000;
    return s < 120 ? `${fmt(s, 1)} s` : `${fmt(s / 60, 1)} min`;
  };
  // A run that published with problems lists each, with its fix.
  const problems = (r) => h('ul', { class: 'problems' }, ...r.problems.map((p) => {
    const [reason, fix] = lang === 'en' ? [p.reason_en, p.fix_en] : [p.reason, p.fix];
    return h('li', null, h('code', null, p.path), ': ', reason, fix ? ` ${t('runs.fix')}: ${fix}` : '');
  }));
  fill('table-runs', runs.runs.length === 0 ? h('p', null, t('runs.none')) : table([
    { label: t('col.run'), value: (r) => h('code', null, r.id) },
    { label: t('col.trigger'), value: (r) => (r.trigger ? t(`trigger.${r.trigger}`, r.trigger) : t('none')) },
    { label: t('col.status'), value: (r) => h('span', { class: `status ${r.status}` }, t(`status.${r.status}`)) },
    { label: t('col.started'), value: (r) => dateTimeNode(r.started_at) },
    { label: t('col.finished'), value: (r) => dateTimeNode(r.finished_at) },
    { label: t('col.duration'), num: true, value: duration },
    { label: t('col.published'), value: (r) => (r.published ? t('yes') : t('no')) },
    { label: t('col.note'), value: (r) => {
      if (r.error) return r.error;
      const said = r.files_ingested || r.rows_accepted || r.rows_rejected || r.tests_passed ? note(r) : r.summary || '';
      return r.problems?.length ? h('div', null, said, problems(r)) : said;
    } },
  ], runs.runs, { id: 'runs' }));
  if (runs.portal) await portal();
  ready();
}

// note says what a run did, counts with their separators (55.479), the
// refused values a link to the refusals of that run.
function note(r) {
  const q = new URLSearchParams({ refresh: r.id });
  if (lang === 'en') q.set('lang', 'en');
  const refused = r.rows_rejected > 0
    ? h('a', { href: `/refusals?${q}`, 'data-field': 'refused' }, `${fmtInt(r.rows_rejected)} ${t('runs.refused')}`)
    : `${fmtInt(0)} ${t('runs.refused')}`;
  return [t('runs.summary', fmtInt(r.files_ingested), fmtInt(r.rows_accepted), refused, fmtInt(r.tests_passed)),
    r.tests_failed > 0 ? `, ${t('runs.tests_failed', fmtInt(r.tests_failed))}` : ''];
}

// portal lists the files the submission portal received or refused (GET
// /api/portal/submissions): which unit, when, what came of it, and whether
// a refresh has taken the file in.
async function portal() {
  const res = await fetch('/api/portal/submissions');
  if (!res.ok) throw new Error(`/api/portal/submissions: HTTP ${res.status}`);
  const { submissions } = await res.json();
  const section = document.getElementById('portal');
  section.hidden = false;
  const received = (s) => s.event === 'received' || s.event === 'recovered';
  const outcome = (s) => {
    if (s.event === 'refused') return h('span', { class: 'status failed' }, `${t('portal.refused')}: ${s.reason || s.code}`);
    if (s.event === 'duplicate') return t('portal.duplicate');
    return s.ingested ? t('portal.ingested') : t('portal.waiting');
  };
  fill('table-portal', submissions.length === 0 ? h('p', null, t('portal.none')) : table([
    { label: t('portal.time'), nowrap: true, value: (s) => fmtDateTime(s.time) },
    { label: t('col.unit'), value: (s) => (s.unit_name ? `${s.unit_name} (${s.unit})` : s.unit || t('none')) },
    { label: t('col.file'), value: (s) => s.file || t('none') },
    { label: t('portal.code'), nowrap: true, value: (s) => (s.confirmation ? h('code', null, s.confirmation) : t('none')) },
    { label: t('portal.accepted'), num: true, value: (s) => (received(s) ? fmt(s.accepted || 0, 0) : t('none')) },
    { label: t('portal.rejected'), num: true, value: (s) => (received(s) ? fmt(s.refused || 0, 0) : t('none')) },
    { label: t('col.status'), value: outcome },
  ], submissions, { id: 'portal-submissions' }));
}

main().catch(fail);
