// What both headless-Chromium tests share: the command line, the skip rules (exit 77 when Debian's
// chromium or npm's playwright-core is missing), bounded waiting, and the Chromium launch with the
// flags the project uses everywhere (no sandbox, no background networking: loopback only).
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
export const SKIP = 77;

// argv → { binary, artifactsDir }; exits 1 with `usage` when the binary is missing.
export function testArgs(usage) {
  const [binary, artifactsDir = path.resolve("artifacts")] = process.argv.slice(2);
  if (!binary || !fs.existsSync(binary)) {
    console.error("usage: " + usage);
    process.exit(1);
  }
  return { binary, artifactsDir };
}

// playwright-core's chromium, or exit SKIP when the browser or the driver is not installed.
export async function chromiumOrSkip() {
  if (!fs.existsSync(CHROMIUM)) {
    console.log(`SKIP: ${CHROMIUM} not found (apt-get install chromium)`);
    process.exit(SKIP);
  }
  try {
    return (await import("playwright-core")).chromium;
  } catch (e) {
    console.log("SKIP: playwright-core not installed (cd tests/browser && npm ci)");
    process.exit(SKIP);
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Waits for `predicate` to return something truthy, bounded by `timeoutMs` (generous on a loaded
// machine: a deadline here is a hang guard, never a speed assertion).
export async function waitFor(what, predicate, timeoutMs = 30000, pollMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await predicate();
    if (v) return v;
    if (Date.now() > deadline) throw new Error("timed out waiting for: " + what);
    await sleep(pollMs);
  }
}

export function assert(cond, message) {
  if (!cond) throw new Error("assertion failed: " + message);
}

// A free TCP port on 127.0.0.1 (closed again before it is returned).
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// A persistent Chromium context in a fresh profile directory; returns { context, userDataDir }.
export async function launchChromium(chromium, viewport) {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "worthit-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run"],
    viewport,
  });
  return { context, userDataDir };
}

// Sends SIGTERM to `child` (whose exit promise is `exited`) and waits for it, with SIGKILL after
// `killAfterMs` as a hang guard; prints the check's line and returns whether it exited 0.
export async function stopsCleanlyOnSigterm(child, exited, what, killAfterMs) {
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
  const { code, signal } = await exited;
  clearTimeout(timer);
  if (code !== 0) {
    console.error(`${what} did not stop cleanly on SIGTERM (code ${code}, signal ${signal})`);
    return false;
  }
  console.log("- stops cleanly on SIGTERM ... ok");
  return true;
}
