#!/usr/bin/env node
'use strict';
// Open-loop load driver for issue 6's "p99 time-to-card under 1 s at half the maximum rate".
//
// The harness's drive.js is closed-loop: C lanes each send the next update as soon as the previous
// one is answered, so every run is a burst that fills the queue and time-to-card measures the
// backlog, not the system at a given load. This driver sends updates on a fixed schedule instead
// (update i is due at start + i / RATE seconds, whatever the answers do) over at most C keep-alive
// connections, like Telegram's max_connections; an update waiting for a free connection is still
// timed from its due time, so a slow webhook cannot hide its queueing (no coordinated omission).
//
// It speaks drive.js's protocol and prints a JSON line of the same shape (webhook / ack / e2e /
// cpu), so run-bench.sh, merge.js and report.js work unchanged. bench/peers-open-loop.sh puts it
// in place of drive.js in a private copy of the harness when DRIVE_RATE is set.
//
//   DRIVE_RATE=40 node drive-open.js --webhook URL [--secret S] --n 1200 --c 40 --tg URL
//        --product-base URL [--mode full|webhook] [--warmup 50] [--timeout-s 120] [--watch ...]
//        [--out FILE]
// --mode webhook (run-bench's saturation run, no workers): the webhook's latency at the offered
// rate and the acknowledgements; no cards are awaited.
//
// Bounded: n ≤ 100,000 updates, rate 0.1..5,000/s, a send phase of at most --send-timeout-s and a
// wait for cards of at most --timeout-s. Only loopback URLs are accepted.
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');

const HARNESS = process.env.DRIVE_HARNESS || path.dirname(process.argv[1]);
const { nowMs, parseArgs, summarize, assertLoopbackUrl } = require(path.join(HARNESS, 'lib.js'));

const DEFAULTS = {
  webhook: '',
  secret: '',
  n: 1000,
  c: 40,
  rate: 0,
  'product-base': 'http://127.0.0.1:8082',
  tg: 'http://127.0.0.1:8081',
  mode: 'full',
  warmup: 0,
  'timeout-s': 120,
  'send-timeout-s': 300,
  'req-timeout-ms': 60000,
  'poll-ms': 100,
  'id-base': 0,
  watch: '',
  meta: '',
  label: '',
  out: '',
  reset: true,
  quiet: false,
};
const cfg = parseArgs(process.argv.slice(2), DEFAULTS, 'DRIVE');
const webhookUrl = assertLoopbackUrl(cfg.webhook, '--webhook');
const tgUrl = assertLoopbackUrl(cfg.tg, '--tg');
const productUrl = assertLoopbackUrl(cfg['product-base'], '--product-base');
if (!(cfg.n >= 1 && cfg.n <= 100000)) throw new Error('--n must be within 1..100000');
if (!(cfg.c >= 1 && cfg.c <= 1000)) throw new Error('--c must be within 1..1000');
if (!(cfg.rate >= 0.1 && cfg.rate <= 5000)) throw new Error('--rate (or DRIVE_RATE) must be within 0.1..5000 updates/s');
const log = (...a) => cfg.quiet || console.error('[drive-open]', ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

// ---------------------------------------------------------------- HTTP
const ctlAgent = new http.Agent({ keepAlive: true, maxSockets: 4 });
function request(url, { method = 'GET', body, headers = {}, agent = ctlAgent, timeoutMs = 30000 } = {}) {
  return new Promise((resolve, reject) => {
    const u = typeof url === 'string' ? new URL(url) : url;
    const h = body ? { 'content-length': Buffer.byteLength(body), ...headers } : headers;
    const req = http.request({ hostname: u.hostname, port: u.port, path: u.pathname + u.search, method, agent, headers: h }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}
async function getJson(url, opts) {
  const r = await request(url, opts);
  if (r.status !== 200) throw new Error(`${url} -> ${r.status}`);
  return JSON.parse(r.body.toString('utf8'));
}

// ---------------------------------------------------------------- CPU of watched processes (/proc)
const CLK_TCK = 100;
const watched = String(cfg.watch).split(',').map((s) => s.trim()).filter(Boolean).map((item) => {
  const eq = item.indexOf('=');
  let v = item.slice(eq + 1);
  const group = v.startsWith('pg:');
  if (group) v = v.slice(3);
  return { label: item.slice(0, eq), group, ids: v.split('+').map(Number).filter((x) => x > 0) };
});
function ticksOf(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { pgrp: Number(f[2]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) };
  } catch {
    return null;
  }
}
function sampleCpu() {
  const byLabel = {};
  const groups = new Map();
  if (watched.some((w) => w.group)) {
    for (const d of fs.readdirSync('/proc')) {
      const st = /^\d+$/.test(d) ? ticksOf(d) : null;
      if (st) groups.set(st.pgrp, (groups.get(st.pgrp) || 0) + st.ticks);
    }
  }
  for (const w of watched) byLabel[w.label] = w.ids.reduce((a, id) => a + (w.group ? groups.get(id) || 0 : ticksOf(id)?.ticks || 0), 0);
  const me = process.cpuUsage();
  byLabel.driver = ((me.user + me.system) / 1e6) * CLK_TCK;
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1).map(Number);
  return { t: nowMs(), byLabel, busy: line.slice(0, 8).reduce((a, b) => a + b, 0) - line[3] - (line[4] || 0) };
}
function cpuBetween(a, b) {
  const secs = (b.t - a.t) / 1000;
  const out = {};
  let accounted = 0;
  for (const k of Object.keys(b.byLabel)) {
    const d = b.byLabel[k] - (a.byLabel[k] || 0);
    accounted += d;
    out[k] = Math.round((d / CLK_TCK / secs) * 1000) / 10;
  }
  out.other = Math.round(((b.busy - a.busy - accounted) / CLK_TCK / secs) * 1000) / 10;
  out.seconds = Math.round(secs * 100) / 100;
  return out;
}

// ---------------------------------------------------------------- updates (drive.js's format)
function buildUpdate(i, updateId, chatId, productId) {
  const url = `${productUrl.origin}/p/${productId}`;
  const text = i % 2 ? `Ciao! Mi dici se vale la pena? ${url}` : url;
  const user = { id: chatId, is_bot: false, first_name: `Open${i % 10}`, language_code: i % 4 === 3 ? 'en' : 'it' };
  return JSON.stringify({
    update_id: updateId,
    message: { message_id: 1, from: user, chat: { id: chatId, first_name: user.first_name, type: 'private' },
      date: Math.floor(Date.now() / 1000), text, entities: [{ offset: text.indexOf(url), length: url.length, type: 'url' }] },
  });
}
// A final message names the product or shows its price with a decimal separator ("149.90",
// "149,90", "149.9"), not as part of a longer number.
function finalMatcher(fact) {
  const name = fact.name.toLowerCase();
  const forms = new Set([fact.price, fact.price.replace('.', ',')]);
  const trimmed = fact.price.replace(/0+$/, '').replace(/\.$/, '');
  if (trimmed.includes('.')) forms.add(trimmed).add(trimmed.replace('.', ','));
  const digit = (c) => c >= 48 && c <= 57;
  return (text) => {
    if (!text) return false;
    if (text.toLowerCase().includes(name)) return true;
    for (const f of forms) {
      for (let at = text.indexOf(f); at >= 0; at = text.indexOf(f, at + 1)) {
        if (!digit(text.charCodeAt(at - 1)) && !digit(text.charCodeAt(at + f.length))) return true;
      }
    }
    return false;
  };
}
const TEXT_METHODS = new Set(['sendmessage', 'editmessagetext', 'sendphoto', 'editmessagecaption']);

async function clockOffset() {
  let best = { rtt: Infinity, off: 0 };
  for (let k = 0; k < 15; k++) {
    const t0 = nowMs();
    const r = await getJson(`${tgUrl.origin}/__now`);
    const t1 = nowMs();
    if (t1 - t0 < best.rtt) best = { rtt: t1 - t0, off: r.t - (t0 + t1) / 2 };
  }
  return best.off;
}

// ---------------------------------------------------------------- one batch at a fixed rate
async function runBatch({ n, idBase, measure }) {
  const facts = await getJson(`${productUrl.origin}/__meta?from=${idBase}&count=${n}`);
  const chats = new Map();
  const bodies = [];
  for (let i = 0; i < n; i++) {
    chats.set(idBase + i, { dueAt: 0, ackAt: 0, finalAt: 0, finals: 0, isFinal: finalMatcher(facts[i]) });
    bodies.push(buildUpdate(i, idBase + i, idBase + i, String(idBase + i)));
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: cfg.c, maxFreeSockets: cfg.c });
  const headers = { 'content-type': 'application/json' };
  if (cfg.secret) headers['x-telegram-bot-api-secret-token'] = cfg.secret;
  const lat = [];
  const statuses = {};
  const errors = {};
  const cpu0 = measure ? sampleCpu() : null;
  const tStart = nowMs();
  const sendDeadline = tStart + cfg['send-timeout-s'] * 1000;
  const inflight = [];
  let sent = 0;
  for (let i = 0; i < n; i++) {
    const due = tStart + (i * 1000) / cfg.rate;
    if (due > sendDeadline) break;
    if (due > nowMs()) await sleep(due - nowMs());
    const chat = chats.get(idBase + i);
    chat.dueAt = due; // timed from the schedule, not from when a connection was free
    sent++;
    inflight.push(
      request(webhookUrl, { method: 'POST', body: bodies[i], headers, agent, timeoutMs: cfg['req-timeout-ms'] }).then(
        (r) => {
          statuses[r.status] = (statuses[r.status] || 0) + 1;
          if (r.status >= 200 && r.status < 300) lat.push(nowMs() - due);
        },
        (err) => {
          const k = err.code || err.message;
          errors[k] = (errors[k] || 0) + 1;
        },
      ),
    );
  }
  const tScheduleEnd = nowMs();
  await Promise.all(inflight);
  const tSendEnd = nowMs();
  const cpu1 = measure ? sampleCpu() : null;
  agent.destroy();
  const webhook = { sent, accepted: lat.length, status: statuses, errors, ...summarize(lat),
    updates_per_s: Math.round((lat.length / ((tSendEnd - tStart) / 1000)) * 10) / 10,
    offered_per_s: cfg.rate, schedule_lag_ms: Math.round(tScheduleEnd - (tStart + ((sent - 1) * 1000) / cfg.rate)),
    duration_s: Math.round(tSendEnd - tStart) / 1000 };
  delete webhook.count;

  const offset = await clockOffset();
  let since = 0;
  // mode webhook (no workers run): wait for the acknowledgements only, at most 2 s after sending.
  const full = cfg.mode !== 'webhook';
  let waiting = n;
  let ackWaiting = n;
  let strayCalls = 0;
  let failedCalls = 0;
  let lastFinal = 0;
  const deadline = nowMs() + cfg['timeout-s'] * 1000;
  const ackDeadline = full ? deadline : nowMs() + 2000;
  while ((full ? waiting : ackWaiting) > 0 && nowMs() < Math.min(deadline, ackDeadline)) {
    const r = await getJson(`${tgUrl.origin}/__calls?since=${since}`);
    for (const c of r.calls) {
      const chat = chats.get(c.chat_id);
      if (!chat) { strayCalls++; continue; }
      if (c.status !== 200) { failedCalls++; continue; }
      if (!TEXT_METHODS.has(c.method.toLowerCase())) continue;
      const t = c.t - offset;
      if (chat.isFinal(c.text)) {
        if (++chat.finals === 1) { chat.finalAt = t; lastFinal = Math.max(lastFinal, t); waiting--; }
      } else if (!chat.ackAt && c.method.toLowerCase() === 'sendmessage') {
        chat.ackAt = t;
        ackWaiting--;
      }
    }
    since = r.last_seq;
    if ((full ? waiting : ackWaiting) > 0) await sleep(cfg['poll-ms']);
  }
  const cpu2 = measure ? sampleCpu() : null;
  const ackLat = [];
  const e2eLat = [];
  let missing = 0;
  let dupFinals = 0;
  let chatsWithDup = 0;
  for (const chat of chats.values()) {
    if (!chat.dueAt) continue;
    if (chat.ackAt) ackLat.push(chat.ackAt - chat.dueAt);
    if (!chat.finals) { missing++; continue; }
    e2eLat.push(chat.finalAt - chat.dueAt);
    if (chat.finals > 1) { dupFinals += chat.finals - 1; chatsWithDup++; }
  }
  const span = (lastFinal - tStart) / 1000;
  const e2e = { completed: e2eLat.length, missing, dup_finals: dupFinals, chats_with_dup: chatsWithDup, ...summarize(e2eLat),
    tasks_per_s: e2eLat.length && span > 0 ? Math.round((e2eLat.length / span) * 10) / 10 : 0,
    duration_s: e2eLat.length ? Math.round(span * 1000) / 1000 : null, timed_out: waiting > 0 };
  delete e2e.count;
  const out = { webhook, ack: summarize(ackLat), ...(full ? { e2e } : {}), clock_offset_ms: Math.round(offset * 1000) / 1000,
    stray_calls: strayCalls, failed_bot_api_calls: failedCalls };
  if (measure) out.cpu = { send: cpuBetween(cpu0, cpu1), total: cpuBetween(cpu0, cpu2), drain: cpuBetween(cpu1, cpu2) };
  return out;
}

async function main() {
  const idBase = cfg['id-base'] > 0 ? cfg['id-base'] : (Math.floor(Date.now() / 1000) % 100000) * 10000000 + 2000000;
  const reset = () => (cfg.reset ? getJson(`${tgUrl.origin}/__reset`, { method: 'POST' }) : null);
  await reset();
  if (cfg.warmup > 0) {
    const warm = await runBatch({ n: cfg.warmup, idBase: idBase + 9000000, measure: false });
    log(`warmup: ${warm.e2e.completed}/${cfg.warmup} cards`);
    await reset();
  }
  log(`run: n=${cfg.n} at ${cfg.rate}/s over <= ${cfg.c} connections -> ${webhookUrl.href}`);
  const res = await runBatch({ n: cfg.n, idBase, measure: true });
  const meta = Object.fromEntries(String(cfg.meta).split(',').filter(Boolean).map((kv) => kv.split('=')));
  const row = { ts: new Date().toISOString(), label: cfg.label || undefined, meta, mode: cfg.mode, open_loop: true, rate: cfg.rate,
    n: cfg.n, c: cfg.c, warmup: cfg.warmup, id_base: idBase, ...res,
    loadavg: fs.readFileSync('/proc/loadavg', 'utf8').trim().split(' ').slice(0, 3).map(Number) };
  const line = JSON.stringify(row);
  process.stdout.write(line + '\n');
  if (cfg.out) fs.appendFileSync(cfg.out, line + '\n');
  ctlAgent.destroy();
}

main().catch((err) => {
  console.error('[drive-open] fatal:', err.stack || err);
  process.exit(1);
});
