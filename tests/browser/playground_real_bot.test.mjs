// Browser test of the playground with the REAL bot, in real headless Chromium (Debian's
// /usr/bin/chromium, driven by playwright-core; no browser is ever downloaded).
//
//   node tests/browser/playground_real_bot.test.mjs <path/to/worthit> <artifacts dir>
//
// It starts `worthit run` with no TELEGRAM_TOKEN (the README's main command), which starts the
// embedded Bot API, the chat page, the demo shop AND the real bot (intake, SQLite queue, workers,
// analysis, delivery) on free loopback ports with a temporary DATA_DIR. Nothing in this file
// answers for the bot. In the page it checks: /start shows the reply keyboard of PRODUCT.md; a
// demo link printed in the banner gets the acknowledgement, which is edited in place (same DOM
// node, no new bubble) into the card with "Punteggio WorthIt" and "/10" and the card's inline
// keyboard; "🔄 Aggiorna analisi" shows the "Aggiornamento in corso" toast and the worker re-runs
// the analysis against the card message: new "edit" events of that message arrive after the press,
// the last one a card with a score, the bubble is redrawn in place and no new bot message appears
// (the demo page is unchanged, so the fresh card may read the same); /lingua offers inline Italiano/English,
// English switches the reply keyboard and the next message is answered in English; bad input
// (blank text, 5,000 characters, HTML typed by the user) is answered by the bot, renders
// literally and injects nothing; the page logs no errors; SIGTERM stops the process with exit 0.
// Waits are generous (the model loads, the worker fetches the demo shop); speed is never asserted.
// Saves <artifacts>/playground-real.png. Exit codes: 0 pass, 1 fail, 77 skip (chromium or
// node_modules missing).
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { assert, chromiumOrSkip, launchChromium, sleep, stopsCleanlyOnSigterm, testArgs, waitFor as waitForWithin } from "./lib.mjs";

const { binary, artifactsDir } = testArgs("node playground_real_bot.test.mjs <worthit binary> [artifacts dir]");
const chromium = await chromiumOrSkip();
// Bounded waits here are longer than lib.mjs's default: the real bot loads the model first.
const waitFor = (what, predicate, timeoutMs = 60000) => waitForWithin(what, predicate, timeoutMs, 150);

// Generous: the first card needs the model loaded and the demo page fetched by a worker.
const CARD_TIMEOUT = 150000;

async function startRun() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "worthit-pg-real-"));
  const env = { ...process.env, DATA_DIR: dataDir, PORT: "0", LOG_LEVEL: "warn" };
  delete env.TELEGRAM_TOKEN;
  delete env.WEBHOOK_URL;
  delete env.WEBHOOK_SECRET;
  // From the repository root, as in the README: MODEL_PATH defaults to the relative
  // models/reviews.ftz (ctest would otherwise run it from the build tree, where it is absent).
  const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "..");
  const child = spawn(binary, ["run"], { env, cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => { out += d; });
  child.stderr.on("data", (d) => { err += d; process.stderr.write(d); });
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  await waitFor("the playground banner", () => out.includes("Ctrl-C stops") || child.exitCode !== null, 60000);
  if (child.exitCode !== null) throw new Error("worthit run exited early:\n" + out + err);
  assert(err.includes("TELEGRAM_TOKEN is not set"), "run says it starts the playground without a token");
  assert(/bot:\s+running/.test(out), "banner says the real bot is running:\n" + out);
  const chat = out.match(/chat:\s+(http:\/\/127\.0\.0\.1:\d+)\//)[1];
  const links = [...out.matchAll(/^\s+(http:\/\/127\.0\.0\.1:\d+\/p\/\S+)/gm)].map((m) => m[1]);
  assert(links.length >= 5, "banner prints the demo links:\n" + out);
  return { child, exited, chat, links, dataDir, output: () => out + err };
}

const results = [];
async function step(name, fn) {
  process.stdout.write(`- ${name} ... `);
  await fn();
  results.push(name);
  console.log("ok");
}

let pg, context;
let userDataDir;
let failed = false;
const shot = path.join(artifactsDir, "playground-real.png");
try {
  pg = await startRun();
  ({ context, userDataDir } = await launchChromium(chromium, { width: 1000, height: 900 }));
  const pageErrors = [];
  const page = await context.newPage();
  page.on("pageerror", (e) => pageErrors.push(e.message));
  await page.goto(pg.chat + "/");
  await page.waitForSelector("#me-label[data-user-id]");

  const send = async (text) => {
    await page.fill("#input", text);
    await page.press("#input", "Enter");
  };
  const incoming = () => page.$$eval(".row.in", (rs) => rs.map((r) => r.querySelector(".text")?.textContent || ""));
  // Waits for a new incoming bubble (beyond `before`) whose text satisfies `pred`.
  const nextIncoming = (before, pred, what, timeoutMs) =>
    waitFor(what, async () => (await incoming()).slice(before).find(pred), timeoutMs);

  await step("/start shows the reply keyboard", async () => {
    await send("/start");
    await page.waitForSelector("#reply-keyboard button:has-text('🔍 Cerca prodotto')", { state: "visible", timeout: 60000 });
    const labels = await page.$$eval("#reply-keyboard button", (bs) => bs.map((b) => b.textContent));
    assert(labels.join("|") === "🔍 Cerca prodotto|📊 Le mie analisi|ℹ️ Aiuto|⭐️ Prodotti popolari", "keyboard " + labels);
    assert((await incoming()).some((t) => t.includes("WorthIt!")), "welcome text");
  });

  let cardId;
  await step("a demo link: acknowledgement edited in place into the card", async () => {
    const link = pg.links.find((l) => l.includes("/p/moka-aurora")) || pg.links[0];
    const before = (await incoming()).length;
    // Every text each incoming bubble ever shows, per message id (the acknowledgement may be
    // edited soon after it appears, so it is recorded rather than polled for).
    await page.evaluate(() => {
      window.__seen = {};
      window.__nodes = {};
      const scan = () => document.querySelectorAll(".row.in[data-message-id]").forEach((r) => {
        const id = r.getAttribute("data-message-id");
        const t = r.querySelector(".text")?.textContent || "";
        const list = (window.__seen[id] ||= []);
        if (list[list.length - 1] !== t) list.push(t);
        (window.__nodes[id] ||= new Set()).add(r);
      });
      new MutationObserver(scan).observe(document.body, { childList: true, subtree: true, characterData: true });
    });
    await send(link);
    // The page may receive the acknowledgement and its edits in one batch (as a Telegram client
    // coming online after the edit would) and then draws only the final state, so the
    // acknowledgement is asserted on the chat's event stream, which is what the page renders:
    // a bot "message" event with it, then "edit" events of that same message.
    const userId = await page.getAttribute("#me-label", "data-user-id");
    const ackEvent = await waitFor("the acknowledgement event", async () => {
      const res = await fetch(`${pg.chat}/chat/api/events?chat_id=${userId}&after=0&timeout=0`);
      const { events } = await res.json();
      return events.find((e) => e.type === "message" && e.message.from.is_bot &&
                               (e.message.text || "").startsWith("Sto analizzando il prodotto... Riceverai presto i risultati! ⏳"));
    });
    cardId = String(ackEvent.message.message_id);
    const row = `.row.in[data-message-id="${cardId}"]`;
    await page.waitForSelector(`${row}:has-text('Punteggio WorthIt')`, { timeout: CARD_TIMEOUT });
    const text = await page.$eval(`${row} .text`, (t) => t.textContent);
    assert(/Punteggio WorthIt: \d+(,\d)?\/10/.test(text), "score x/10 in the card:\n" + text);
    const { events } = await (await fetch(`${pg.chat}/chat/api/events?chat_id=${userId}&after=0&timeout=0`)).json();
    const edits = events.filter((e) => e.type === "edit" && String(e.message.message_id) === cardId);
    assert(edits.length >= 1 && /Punteggio WorthIt/.test(edits[edits.length - 1].message.text), "the acknowledgement was edited into the card");
    const seenInPage = await page.evaluate((id) => window.__seen[id] || [], cardId);
    process.stdout.write(`[page drew ${seenInPage.length} state(s) of the message] `);
    assert(await page.evaluate((id) => window.__nodes[id].size === 1, cardId), "same DOM node, edited in place");
    assert((await incoming()).length === before + 1, "one bubble: the acknowledgement became the card");
    assert((await page.$eval(`${row} .meta`, (m) => m.textContent)).includes("modificato"), "marked as edited");
    assert((await page.$$(`${row} .text b`)).length >= 1, "the card's HTML is rendered (bold title)");
    const buttons = await page.$$eval(`${row} .ikb button`, (bs) => bs.map((b) => b.textContent));
    assert(buttons.includes("🔄 Aggiorna analisi"), "refresh button: " + buttons);
    assert(buttons.some((b) => b.startsWith("🛒 Apri prodotto")), "open button: " + buttons);
    fs.mkdirSync(artifactsDir, { recursive: true });
    await page.screenshot({ path: shot });
  });

  await step("🔄 Aggiorna analisi: a fresh analysis edits the same card again", async () => {
    const row = `.row.in[data-message-id="${cardId}"]`;
    // Record every text the card bubble shows from now on (edits replace its content).
    await page.$eval(row, (el) => {
      window.__cardTexts = [];
      new MutationObserver(() => window.__cardTexts.push(el.querySelector(".text")?.textContent || ""))
        .observe(el, { childList: true, subtree: true, characterData: true });
    });
    const userId = await page.getAttribute("#me-label", "data-user-id");
    const eventsUrl = (after) => `${pg.chat}/chat/api/events?chat_id=${userId}&after=${after}&timeout=0`;
    const seqBefore = (await (await fetch(eventsUrl(0))).json()).last_seq;
    const before = (await incoming()).length;
    await page.$eval(`${row} .ikb button:has-text('Aggiorna analisi')`, (b) => b.click());
    await page.waitForSelector("#toast:has-text('Aggiornamento in corso')", { state: "visible", timeout: 60000 });
    // The worker re-runs the analysis on this message: its bubble is edited at least once more and
    // ends as a card with a score again, in place, with no new bubble.
    await waitFor("the card edited by the fresh analysis", async () => {
      const texts = await page.evaluate(() => window.__cardTexts);
      return texts.length > 0 && /Punteggio WorthIt: \d+(,\d)?\/10/.test(texts[texts.length - 1]);
    }, CARD_TIMEOUT);
    assert((await incoming()).length === before, "no new bubble: the fresh card replaced the old one");
    // The fresh analysis reached the chat as new edits of the card message (after the press).
    let events = [];
    await waitFor("the fresh card's edit events", async () => {
      ({ events } = await (await fetch(eventsUrl(seqBefore))).json());
      const fresh = events.filter((e) => e.type === "edit" && String(e.message.message_id) === cardId);
      return fresh.length >= 1 && /Punteggio WorthIt: \d+(,\d)?\/10/.test(fresh[fresh.length - 1].message.text);
    }, CARD_TIMEOUT);
    await page.waitForSelector(`${row}:has-text('Punteggio WorthIt')`);
    assert(!events.some((e) => e.type === "message" && e.message.from.is_bot), "no new bot message for a refresh");
    const seen = await page.evaluate(() => window.__cardTexts.map((t) => t.split("\n").find((l) => l.includes("Punteggio")) || t.slice(0, 40)));
    process.stdout.write(`[card shown: ${[...new Set(seen)].join(" → ")}] `);
  });

  await step("/lingua switches to English (inline buttons)", async () => {
    await send("/lingua");
    const choice = await page.waitForSelector(".row.in:has-text('Choose your language')", { timeout: 60000 });
    const buttons = await choice.$$eval(".ikb button", (bs) => bs.map((b) => b.textContent));
    assert(buttons.join("|") === "🇮🇹 Italiano|🇬🇧 English", "language buttons " + buttons);
    await choice.$eval(".ikb button:has-text('English')", (b) => b.click());
    await page.waitForSelector(".row.in:has-text('Language set: English')", { timeout: 60000 });
    await page.waitForSelector("#reply-keyboard button:has-text('🔍 Search product')", { state: "visible", timeout: 60000 });
    const before = (await incoming()).length;
    await send("ciao");
    await nextIncoming(before, (t) => t.includes("I didn't understand"), "English hint");
  });

  await step("bad input: blank text is not sent", async () => {
    const before = (await incoming()).length;
    const outBefore = await page.$$eval(".row.out", (r) => r.length);
    await send("   ");
    await page.click("#send");
    await sleep(1500);
    assert(await page.$$eval(".row.out", (r) => r.length) === outBefore, "no outgoing bubble");
    assert((await incoming()).length === before, "no reply");
  });

  await step("bad input: 5,000 characters are answered, nothing breaks", async () => {
    const before = (await incoming()).length;
    await send("a".repeat(5000));
    await waitFor("two hints (4096 + 904 parts)", async () =>
      (await incoming()).slice(before).filter((t) => t.includes("I didn't understand")).length >= 2);
    const outs = await page.$$eval(".row.out .text", (ts) => ts.map((t) => t.textContent).filter((x) => /^a+$/.test(x)));
    assert(outs.map((t) => t.length).join("+") === "4096+904", "split " + outs.map((t) => t.length).join("+"));
  });

  await step("bad input: HTML typed by the user stays literal and injects nothing", async () => {
    const before = (await incoming()).length;
    const evil = "<b>x</b><img src=x onerror=\"window.__pwned=1\"><script>window.__pwned=1</script>";
    await send(evil);
    await nextIncoming(before, (t) => t.includes("I didn't understand"), "reply to HTML text");
    const row = await page.waitForSelector(".row.out:has-text('<img src=x')");
    assert(await row.$eval(".text", (t) => t.textContent) === evil, "shown literally");
    assert((await page.$$(".row.out .text b, .row img, .row script")).length === 0, "no element injected");
    assert(await page.evaluate(() => window.__pwned === undefined), "no script ran");
  });

  await step("the bot still works after the bad input", async () => {
    await send("/start");
    await page.waitForSelector(".row.in:has-text('Hi! 👋')", { timeout: 60000 });
  });

  assert(pageErrors.length === 0, "page errors: " + pageErrors.join("; "));
  console.log(`screenshot: ${shot}`);
} catch (e) {
  failed = true;
  console.log("FAILED");
  console.error(e && e.stack ? e.stack : e);
  if (context) {
    for (const p of context.pages()) {
      const rows = await p.$$eval(".row", (rs) => rs.map((r) => r.className + ": " + (r.querySelector(".text")?.textContent || "")))
        .catch(() => []);
      console.error("--- chat ---\n" + rows.map((r) => r.slice(0, 300)).join("\n"));
    }
  }
  if (pg) console.error("--- worthit output ---\n" + pg.output());
} finally {
  if (context) await context.close().catch(() => {});
  if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
  if (pg) {
    if (!(await stopsCleanlyOnSigterm(pg.child, pg.exited, "worthit run", 30000))) failed = true;
    fs.rmSync(pg.dataDir, { recursive: true, force: true });
  }
}
console.log(failed ? "browser test FAILED" : `browser test passed (${results.length} steps)`);
process.exit(failed ? 1 : 0);
