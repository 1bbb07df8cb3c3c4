#!/usr/bin/env node
'use strict';
// Summarizes webhook-only rows of the peers harness's raw JSON lines (results/raw.jsonl) per impl:
// medians over repetitions of updates/s, webhook and ack p50/p99, webhook CPU per update
// (cpu.send.webhook % of one core / accepted updates per second), Redis CPU per update, Redis
// commands per update, and the noise figures (other = busy CPU not attributed to watched processes).
//   node bench/peer/summarize.js RAW.jsonl [--since ISO]
const fs = require('node:fs');
const args = process.argv.slice(2);
const file = args[0];
const since = args.includes('--since') ? args[args.indexOf('--since') + 1] : '';
const rows = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
  .filter((r) => (r.meta?.phase || r.mode) === 'webhook-only' && (!since || r.ts >= since));
const med = (xs) => { const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b); if (!s.length) return NaN;
  const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const f = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '–');
const groups = new Map();
for (const r of rows) { const k = `${r.meta.impl}${r.c === 40 ? '' : ` (C=${r.c})`}`; if (!groups.has(k)) groups.set(k, []); groups.get(k).push(r); }
const perUpd = (r, who) => { const c = r.cpu?.send?.[who]; const u = r.webhook?.updates_per_s; return c >= 0 && u > 0 ? (c / 100) / u * 1000 : NaN; };
console.log('| impl | reps | upd/s median (range) | webhook p50 / p99 ms | ack p50 / p99 ms | webhook CPU % | webhook CPU ms/update (range) | redis CPU ms/update | Redis cmds/update | harness CPU % | other % (max) |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const [impl, rs] of groups) {
  const ups = rs.map((r) => r.webhook.updates_per_s);
  const cpu = rs.map((r) => perUpd(r, 'webhook'));
  const harness = rs.map((r) => (r.cpu.send.driver || 0) + (r.cpu.send.faketg || 0) + (r.cpu.send.product || 0));
  console.log(`| ${impl} | ${rs.length} | ${f(med(ups), 0)} (${f(Math.min(...ups), 0)}–${f(Math.max(...ups), 0)}) | ` +
    `${f(med(rs.map((r) => r.webhook.p50_ms)))} / ${f(med(rs.map((r) => r.webhook.p99_ms)))} | ` +
    `${f(med(rs.map((r) => r.ack?.p50_ms)))} / ${f(med(rs.map((r) => r.ack?.p99_ms)))} | ` +
    `${f(med(rs.map((r) => r.cpu.send.webhook)), 0)} | ${f(med(cpu), 3)} (${f(Math.min(...cpu), 3)}–${f(Math.max(...cpu), 3)}) | ` +
    `${f(med(rs.map((r) => perUpd(r, 'redis'))), 3)} | ${f(med(rs.map((r) => r.redis?.commands_per_update)), 1)} | ` +
    `${f(med(harness), 0)} | ${f(med(rs.map((r) => r.cpu.send.other)), 0)} (${f(Math.max(...rs.map((r) => r.cpu.send.other)), 0)}) |`);
}
