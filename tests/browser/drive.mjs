// Build tests/browser/app.js with esbuild, serve it on its own localhost port, and drive it in headless
// Chromium (Debian's /usr/bin/chromium through playwright-core; no browser is ever downloaded).
//
//   node tests/browser/drive.mjs CONVEX_URL AUTHOR TOKEN OUT_DIR [CHROMIUM]
//
// stdout: one JSON event per line. {"event":"ready"} means the page is subscribed and its own mutation showed
// up; the test then sends messages:send {author: AUTHOR, body: "from-http"} from another process, and this
// script waits for the page to show it. The last line is {"ok": true, ...facts} or {"ok": false, "error"}.
import { createRequire } from "node:module";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const JS_DIR = path.join(HERE, "..", "js"); // the test clients' node_modules: convex, esbuild, playwright-core
const require = createRequire(path.join(JS_DIR, "package.json"));
const [CONVEX_URL, AUTHOR, TOKEN, OUT_DIR, CHROMIUM = "/usr/bin/chromium"] = process.argv.slice(2);
const emit = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");
const facts = { console: [], pageErrors: [] };

async function build() {
  const esbuild = require("esbuild");
  fs.mkdirSync(OUT_DIR, { recursive: true });
  await esbuild.build({
    entryPoints: [path.join(HERE, "app.js")],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2020",
    outfile: path.join(OUT_DIR, "app.js"),
    nodePaths: [path.join(JS_DIR, "node_modules")],
    logLevel: "error",
  });
  fs.copyFileSync(path.join(HERE, "index.html"), path.join(OUT_DIR, "index.html"));
}

function serve() {
  const types = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8" };
  const server = http.createServer((req, res) => {
    const name = new URL(req.url, "http://localhost").pathname.replace(/^\/+/, "") || "index.html";
    const file = path.join(OUT_DIR, path.basename(name));
    if (!fs.existsSync(file)) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": types[path.extname(file)] ?? "application/octet-stream" });
    res.end(fs.readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

async function main() {
  await build();
  const server = await serve();
  const pagePort = server.address().port;
  const { chromium } = require("playwright-core");
  const profile = fs.mkdtempSync(path.join(OUT_DIR, "profile-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on("console", (msg) => facts.console.push(`${msg.type()}: ${msg.text()}`));
    page.on("pageerror", (error) => facts.pageErrors.push(String(error)));
    const query = new URLSearchParams({ convex: CONVEX_URL, author: AUTHOR, token: TOKEN });
    // The page's origin is another port (and host name) than the deployment's: every call is cross-origin.
    facts.pageUrl = `http://localhost:${pagePort}/index.html`;
    await page.goto(`${facts.pageUrl}?${query}`);
    facts.userAgent = await page.evaluate(() => navigator.userAgent);

    await page.waitForFunction(() => window.__state && window.__state.updates >= 1, null, { timeout: 20000 });
    await page.waitForFunction(() => window.__state.whoami === "user_browser", null, { timeout: 20000 });
    facts.sentId = await page.evaluate(() => window.__send("from-page"));
    await page.locator("#messages li", { hasText: "from-page" }).first().waitFor({ timeout: 20000 });
    facts.http = await page.evaluate(() => window.__http());

    emit({ event: "ready" });
    await page.locator("#messages li", { hasText: "from-http" }).first().waitFor({ timeout: 20000 });
    facts.rendered = await page.locator("#messages li").allTextContents();
    facts.whoami = await page.locator("#whoami").textContent();
    facts.state = await page.evaluate(() => window.__state);
    emit({ ok: true, ...facts });
  } finally {
    await context.close();
    server.close();
  }
}

main().catch((error) => {
  emit({ ok: false, error: String(error && error.stack ? error.stack : error), ...facts });
  process.exitCode = 1;
});
