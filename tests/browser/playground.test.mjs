// Browser test of the playground chat page in real headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core; no browser is ever downloaded).
//
//   node tests/browser/playground.test.mjs <path/to/worthit> <artifacts dir>
//
// It starts `worthit playground --no-bot` on free loopback ports (WorthIt's own bot would poll the
// same updates; playground_real_bot.test.mjs covers it) and plays the bot itself with TestBot
// below — a TEST bot that lives only in this file (the product never fakes replies) and talks to
// the embedded Bot API over HTTP exactly as a real bot would (getUpdates, sendMessage,
// editMessageText, answerCallbackQuery). It then checks, in the page: /start shows the reply
// keyboard; a reply-keyboard press sends its text; bot HTML renders (bold) while user-typed
// "<b>x</b>" stays literal; a message is edited in place into an HTML card with an inline
// keyboard; an inline press reaches the bot as callback_query and its answer shows; empty text is
// not sent; 5,000 characters are split into 4096 + 904 like Telegram's clients; markup in bot text
// cannot inject anything; two tabs are two users; in the demo group both post and the bot sees
// only commands; "📤 Condividi" (switch_inline_query) shares the card into the group via inline
// mode and a press on it reaches the bot with inline_message_id; the language selector switches
// to English.
// Saves <artifacts>/playground.png (private chat) and playground-group.png (the demo group). Exit codes: 0 pass, 1 fail, 77 skip (chromium or
// node_modules missing).
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { assert, chromiumOrSkip, freePort, launchChromium, sleep, stopsCleanlyOnSigterm, testArgs, waitFor } from "./lib.mjs";

const { binary, artifactsDir } = testArgs("node playground.test.mjs <worthit binary> [artifacts dir]");
const chromium = await chromiumOrSkip();

// ---------- the playground process ----------
async function startPlayground() {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "worthit-pg-data-"));
  const child = spawn(binary, ["playground", "--port", String(port), "--shop-port", "0", "--no-bot"], {
    env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d) => { out += d; });
  child.stderr.on("data", (d) => process.stderr.write(d));
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  await waitFor("the playground banner", () => out.includes("Ctrl-C stops") || child.exitCode !== null, 30000);
  if (child.exitCode !== null) throw new Error("worthit playground exited early:\n" + out);
  const chat = out.match(/chat:\s+(http:\/\/127\.0\.0\.1:\d+)\//)[1];
  const token = out.match(/TELEGRAM_TOKEN=(\S+)/)[1];
  const shop = out.match(/demo shop:\s+(http:\/\/127\.0\.0\.1:\d+)\//)[1];
  return { child, exited, chat, token, shop, output: () => out };
}

// ---------- the test bot (test code only) ----------
class TestBot {
  constructor(apiUrl, token) {
    this.base = `${apiUrl}/bot${token}/`;
    this.messages = [];       // every message update received
    this.callbacks = [];      // every callback_query received
    this.inlineQueries = [];  // every inline_query received
    this.errors = [];
    this.running = true;
    this.offset = 0;
  }
  async call(method, params = {}) {
    const res = await fetch(this.base + method, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(params),
    });
    const body = await res.json();
    if (!body.ok) throw new Error(`${method}: ${body.description}`);
    return body.result;
  }
  async run() {
    await this.call("setMyCommands", { commands: [
      { command: "start", description: "Avvia il bot" }, { command: "aiuto", description: "Come funziona" }] });
    while (this.running) {
      let updates = [];
      try {
        updates = await this.call("getUpdates", { offset: this.offset, timeout: 1 });
      } catch (e) {
        if (this.running) this.errors.push(e.message);
        await sleep(200);
        continue;
      }
      for (const u of updates) {
        this.offset = u.update_id + 1;
        try { await this.handle(u); } catch (e) { this.errors.push(e.message); }
      }
    }
  }
  async handle(u) {
    if (u.inline_query) {
      this.inlineQueries.push(u.inline_query);
      await this.call("answerInlineQuery", { inline_query_id: u.inline_query.id, cache_time: 0, results: [{
        type: "article", id: "moka", title: "Caffettiera Moka Aurora 6 tazze", description: "🟢 8,1/10 — Ottimo acquisto",
        input_message_content: { message_text: "<b>Caffettiera Moka Aurora 6 tazze</b>\n🟢 Punteggio WorthIt: 8,1/10", parse_mode: "HTML" },
        reply_markup: { inline_keyboard: [[{ text: "🔄 Aggiorna analisi", callback_data: "r:moka" }]] } }] });
      return;
    }
    if (u.callback_query) {
      this.callbacks.push(u.callback_query);
      await this.call("answerCallbackQuery", { callback_query_id: u.callback_query.id, text: "🔄 Aggiornamento in corso…" });
      return;
    }
    const m = u.message;
    if (!m) return;
    this.messages.push(m);
    const chat_id = m.chat.id;
    const text = m.text || "";
    if (text.split("@")[0] === "/start") {
      await this.call("sendMessage", { chat_id, text: "Benvenuto in WorthIt! Inviami il link di un prodotto.",
        reply_markup: { keyboard: [[{ text: "🔍 Cerca prodotto" }], [{ text: "📊 Le mie analisi" }, { text: "ℹ️ Aiuto" }],
                                   [{ text: "⭐️ Prodotti popolari" }]], resize_keyboard: true } });
    } else if (text === "ℹ️ Aiuto") {
      await this.call("sendMessage", { chat_id, parse_mode: "HTML",
        text: "Invia un <b>link</b> di un prodotto e riceverai una <i>scheda</i> con il punteggio." });
    } else if ((m.entities || []).some((e) => e.type === "url") && text.includes("/p/")) {
      const ack = await this.call("sendMessage", { chat_id, text: "Sto analizzando il prodotto... Riceverai presto i risultati! ⏳" });
      this.ackId = ack.message_id;
      await sleep(700);   // the page must show the acknowledgement before it is edited
      await this.call("editMessageText", { chat_id, message_id: ack.message_id, parse_mode: "HTML",
        text: "<b>Caffettiera Moka Aurora 6 tazze</b>\n💰 Prezzo: 34,90 €\n⭐ Valutazione: 4,6/5 (18 recensioni)\n" +
              "🟢 Punteggio WorthIt: 8,1/10 — Ottimo acquisto\n💡 <i>Solida, caffè cremoso, manico che non scotta.</i>",
        reply_markup: { inline_keyboard: [[{ text: "🔄 Aggiorna analisi", callback_data: "r:moka" },
                                           { text: "🛒 Apri prodotto", url: text.trim() }],
                                         [{ text: "📤 Condividi", switch_inline_query: "moka" }]] } });
      this.edited = true;
    } else if (text.startsWith("inject")) {
      await this.call("sendMessage", { chat_id, parse_mode: "HTML",
        text: "Vedi <a href=\"javascript:window.__pwned=1\">questo</a> &lt;img src=x onerror=\"window.__pwned=1\"&gt;" });
      await this.call("sendMessage", { chat_id, text: "<script>window.__pwned=1</script><b>plain</b>" });
    }
  }
}

// ---------- the test ----------
const results = [];
async function step(name, fn) {
  process.stdout.write(`- ${name} ... `);
  await fn();
  results.push(name);
  console.log("ok");
}

let pg, bot, context;
let userDataDir;
let failed = false;
try {
  pg = await startPlayground();
  bot = new TestBot(pg.chat, pg.token);
  const botLoop = bot.run();

  ({ context, userDataDir } = await launchChromium(chromium, { width: 1000, height: 860 }));
  const pageErrors = [];
  const openTab = async () => {
    const page = await context.newPage();
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await page.goto(pg.chat + "/");
    await page.waitForSelector("#me-label[data-user-id]");
    return page;
  };
  const userIdOf = async (page) => Number(await page.getAttribute("#me-label", "data-user-id"));
  const send = async (page, text) => {
    await page.fill("#input", text);
    await page.press("#input", "Enter");
  };
  const botGot = (pred, what) => waitFor(what, () => bot.messages.find(pred));

  const tab1 = await openTab();
  const user1 = await userIdOf(tab1);

  await step("/start shows the reply keyboard", async () => {
    await send(tab1, "/start");
    await botGot((m) => m.from.id === user1 && m.text === "/start", "bot receives /start");
    await tab1.waitForSelector("#reply-keyboard button:has-text('🔍 Cerca prodotto')", { state: "visible" });
    const labels = await tab1.$$eval("#reply-keyboard button", (bs) => bs.map((b) => b.textContent));
    assert(labels.join("|") === "🔍 Cerca prodotto|📊 Le mie analisi|ℹ️ Aiuto|⭐️ Prodotti popolari", "keyboard " + labels);
  });

  await step("empty text is not sent", async () => {
    const before = bot.messages.length;
    await send(tab1, "   ");
    await tab1.click("#send");
    await sleep(800);
    assert(bot.messages.length === before, "no update for blank input");
  });

  await step("user-typed HTML stays literal", async () => {
    await send(tab1, "<b>x</b>");
    await botGot((m) => m.from.id === user1 && m.text === "<b>x</b>", "bot receives the literal text");
    const row = await tab1.waitForSelector(".row.out:has-text('<b>x</b>')");
    assert(await row.$eval(".text", (t) => t.textContent) === "<b>x</b>", "text shown literally");
    assert((await row.$$(".text b")).length === 0, "no <b> element from user text");
  });

  await step("reply-keyboard button sends its text; bot HTML renders bold", async () => {
    await tab1.click("#reply-keyboard button:has-text('ℹ️ Aiuto')");
    await botGot((m) => m.from.id === user1 && m.text === "ℹ️ Aiuto", "bot receives the button text");
    const bold = await tab1.waitForSelector(".row.in .text b:has-text('link')");
    assert(await bold.evaluate((b) => getComputedStyle(b).fontWeight) >= 600, "bold is bold");
    assert((await tab1.$$(".row.in .text i:has-text('scheda')")).length === 1, "italic rendered");
  });

  let cardRow;
  await step("acknowledgement is edited in place into the card", async () => {
    await send(tab1, pg.shop + "/p/moka-aurora");
    await waitFor("bot acknowledges", () => bot.ackId);
    cardRow = await tab1.waitForSelector(`.row.in[data-message-id="${bot.ackId}"]:has-text('Sto analizzando')`);
    await cardRow.evaluate((el) => { el.__sameNode = true; });
    const incomingBefore = await tab1.$$eval(".row.in", (r) => r.length);
    await tab1.waitForSelector(`.row.in[data-message-id="${bot.ackId}"]:has-text('Punteggio WorthIt')`);
    assert(await cardRow.evaluate((el) => el.__sameNode === true && el.isConnected), "same DOM node, edited in place");
    assert(await tab1.$$eval(".row.in", (r) => r.length) === incomingBefore, "no new bubble for the edit");
    assert(await cardRow.$eval(".text b", (b) => b.textContent) === "Caffettiera Moka Aurora 6 tazze", "title bold");
    assert((await cardRow.$eval(".meta", (m) => m.textContent)).includes("modificato"), "marked as edited");
    const link = await cardRow.$$eval(".ikb button", (bs) => bs.map((b) => b.textContent));
    assert(link[0] === "🔄 Aggiorna analisi" && link[1].startsWith("🛒 Apri prodotto"), "inline keyboard " + link);
    // The user's link was linkified from Telegram's url entity.
    const href = await tab1.$eval(".row.out:last-of-type .text a, .row.out .text a", (a) => a.href);
    assert(href.startsWith(pg.shop), "user link is a link: " + href);
  });

  await step("inline button press reaches the bot as callback_query", async () => {
    await cardRow.$eval(".ikb button[data-callback-data='r:moka']", (b) => b.click());
    const cq = await waitFor("callback_query", () => bot.callbacks.find((c) => c.data === "r:moka"));
    assert(cq.from.id === user1, "from the pressing user");
    assert(cq.message.message_id === bot.ackId, "on the card message");
    await tab1.waitForSelector("#toast:has-text('Aggiornamento in corso')", { state: "visible" });
  });

  fs.mkdirSync(artifactsDir, { recursive: true });
  const shot = path.join(artifactsDir, "playground.png");
  await tab1.screenshot({ path: shot });

  const tab2 = await openTab();
  const user2 = await userIdOf(tab2);
  await step("two tabs are two users with separate chats", async () => {
    assert(user1 !== user2, "distinct user ids");
    await send(tab2, "ciao dal secondo utente");
    await botGot((m) => m.from.id === user2 && m.text === "ciao dal secondo utente", "bot receives tab 2's message");
    await tab2.waitForSelector(".row.out:has-text('ciao dal secondo utente')");
    await sleep(500);
    assert((await tab1.$$(".row:has-text('ciao dal secondo utente')")).length === 0, "tab 1 does not see tab 2's chat");
    assert((await tab2.$$(".row:has-text('Punteggio WorthIt')")).length === 0, "tab 2 does not see tab 1's card");
  });

  await step("5,000 characters are split into 4096 + 904", async () => {
    await send(tab2, "a".repeat(5000));
    await waitFor("two parts", () => bot.messages.filter((m) => m.from.id === user2 && /^a+$/.test(m.text)).length >= 2);
    const parts = bot.messages.filter((m) => m.from.id === user2 && /^a+$/.test(m.text)).map((m) => m.text.length);
    assert(parts.join("+") === "4096+904", "parts " + parts.join("+"));
  });

  await step("markup in bot text cannot inject anything", async () => {
    await send(tab2, "inject please");
    await tab2.waitForSelector(".row.in:has-text('<script>window.__pwned=1</script><b>plain</b>')");
    await tab2.waitForSelector(".row.in:has-text('<img src=x')");
    assert(await tab2.evaluate(() => window.__pwned === undefined), "no script ran");
    assert((await tab2.$$(".row.in img, .row.in script")).length === 0, "no element injected");
    assert((await tab2.$$(".row.in a[href^='javascript']")).length === 0, "no javascript: link");
  });

  await step("demo group: both users post, the bot sees only commands", async () => {
    await tab2.selectOption("#chat-select", "group");
    await tab1.selectOption("#chat-select", "group");
    await send(tab1, "ciao a tutti");
    await tab2.waitForSelector(".row.in:has-text('ciao a tutti') .sender");
    await send(tab2, "/start@WorthItPlaygroundBot");
    const m = await botGot((x) => x.chat.type === "supergroup" && x.text === "/start@WorthItPlaygroundBot", "group command");
    assert(m.from.id === user2, "command from tab 2's user");
    assert(!bot.messages.some((x) => x.text === "ciao a tutti"), "privacy mode: plain chatter not delivered");
    await tab1.waitForSelector(".row.in:has-text('Benvenuto in WorthIt!')");
    await tab2.waitForSelector(".row.in:has-text('Benvenuto in WorthIt!')");
  });

  await step("📤 Condividi shares the card into the group through inline mode", async () => {
    await tab1.selectOption("#chat-select", "private");
    const card = await tab1.waitForSelector(`.row.in[data-message-id="${bot.ackId}"]`);
    await card.$eval(".ikb button:has-text('Condividi')", (b) => b.click());
    await waitFor("tab 1 in the group", async () => (await tab1.$eval("#chat-select", (s) => s.value)) === "group");
    assert((await tab1.inputValue("#input")) === "@WorthItPlaygroundBot moka", "input prefilled");
    const q = await waitFor("inline_query", () => bot.inlineQueries.find((x) => x.from.id === user1 && x.query === "moka"));
    assert(q.chat_type === "supergroup", "typed in the group");
    await tab1.click("#inline-results .result[data-result-id='moka']");
    const shared = await tab2.waitForSelector(".row.in:has-text('via @WorthItPlaygroundBot')");
    assert(await shared.$eval(".text b", (b) => b.textContent) === "Caffettiera Moka Aurora 6 tazze", "card bold in the group");
    await shared.$eval(".ikb button[data-callback-data='r:moka']", (b) => b.click());
    const cq = await waitFor("callback on the shared card", () => bot.callbacks.find((c) => c.inline_message_id));
    assert(cq.from.id === user2 && !cq.message, "inline message: inline_message_id only");
    await tab2.screenshot({ path: path.join(artifactsDir, "playground-group.png") });
    await tab1.selectOption("#chat-select", "private");
    await tab1.waitForSelector(".row:has-text('Punteggio WorthIt')");   // the private chat is back
    await tab2.selectOption("#chat-select", "private");
  });

  await step("language selector switches to English", async () => {
    await tab2.selectOption("#lang", "en");
    assert((await tab2.getAttribute("#input", "placeholder")) === "Write a message…", "English placeholder");
    await send(tab2, "hello");
    const m = await botGot((x) => x.from.id === user2 && x.text === "hello", "bot receives hello");
    assert(m.from.language_code === "en", "language_code en");
  });

  assert(pageErrors.length === 0, "page errors: " + pageErrors.join("; "));
  assert(bot.errors.length === 0, "bot errors: " + bot.errors.join("; "));
  console.log(`screenshot: ${shot}`);
  bot.running = false;
  await botLoop;
} catch (e) {
  failed = true;
  console.log("FAILED");
  console.error(e && e.stack ? e.stack : e);
  if (pg) console.error("--- worthit output ---\n" + pg.output());
} finally {
  if (bot) bot.running = false;
  if (context) await context.close().catch(() => {});
  if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
  if (pg) {
    if (!(await stopsCleanlyOnSigterm(pg.child, pg.exited, "worthit playground", 15000))) failed = true;
  }
}
console.log(failed ? "browser test FAILED" : `browser test passed (${results.length} steps)`);
process.exit(failed ? 1 : 0);
