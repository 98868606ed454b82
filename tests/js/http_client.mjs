// The official npm `ConvexHttpClient` against a running albertplus, for tests/test_http_official_clients.py
// and tests/test_auth_http.py.
//
//   node http_client.mjs checks URL ADMIN_KEY      values, errors, admin, acting as, consistentQuery, logs
//   node http_client.mjs tokens URL TOKENS_JSON    {name: token}: whoami / identity or the error, per token
//
// Prints one JSON document on its last line: {"ok": true, "facts": {...}} or {"ok": false, "error": ...}.
import { ConvexHttpClient } from "convex/browser";
import { makeFunctionReference } from "convex/server";
import { ConvexError } from "convex/values";

const [MODE, URL_, ARG] = process.argv.slice(2);
const fn = (p) => makeFunctionReference(p);
const facts = {};

function assert(cond, msg) {
  if (!cond) throw new Error(msg || "assertion failed");
}

async function failure(promise) {
  try {
    await promise;
  } catch (e) {
    return { convexError: e instanceof ConvexError, data: e instanceof ConvexError ? e.data : null, message: String(e.message) };
  }
  throw new Error("no error thrown");
}

async function checks() {
  const logged = [];
  const logger = {
    logVerbose: () => {},
    log: (...args) => logged.push(args.map(String).join(" ")),
    warn: (...args) => logged.push(args.map(String).join(" ")),
    error: (...args) => logged.push(args.map(String).join(" ")),
  };
  const http = new ConvexHttpClient(URL_, { logger });
  // int64, bytes, special floats, nesting
  const bytes = new Uint8Array([0, 1, 127, 128, 254, 255]).buffer;
  const value = { big: 2n ** 62n, min: -(2n ** 63n), bytes, nan: NaN, inf: Infinity, ninf: -Infinity, negzero: -0,
    nested: [{ deep: [1n, "s", null, true, 1.5] }] };
  const back = await http.query(fn("messages:echo"), { value });
  assert(back.big === 2n ** 62n && back.min === -(2n ** 63n), "int64 lost");
  assert(back.bytes instanceof ArrayBuffer && JSON.stringify([...new Uint8Array(back.bytes)]) === "[0,1,127,128,254,255]", "bytes lost");
  assert(Number.isNaN(back.nan) && back.inf === Infinity && back.ninf === -Infinity && Object.is(back.negzero, -0), "special floats lost");
  assert(back.nested[0].deep[0] === 1n && back.nested[0].deep[4] === 1.5, "nesting lost");
  const typed = await http.query(fn("messages:typed"), { n: 7n, b: bytes, f: 0.5 });
  assert(typed.n === 7n && typed.f === 0.5 && typed.b.byteLength === 6, JSON.stringify(typed, (k, v) => (typeof v === "bigint" ? `${v}n` : v)));
  facts.int64AsNumber = (await failure(http.query(fn("messages:typed"), { n: 7, b: bytes, f: 0.5 }))).message;
  // ConvexError data (object and string), validation errors, thrown errors, missing functions
  facts.convexErrorObject = await failure(http.mutation(fn("messages:send"), { author: "js", body: "" }));
  const id = await http.mutation(fn("messages:send"), { author: "js", body: "hello" });
  assert(await http.mutation(fn("messages:like"), { id }) === 1, "like");
  facts.validation = (await failure(http.mutation(fn("messages:send"), { author: "js", body: 5 }))).message;
  facts.thrown = (await failure(http.query(fn("messages:boom"), {}))).message;
  facts.missing = (await failure(http.query(fn("messages:nope"), {}))).message;
  facts.internalAsPublic = (await failure(http.query(fn("messages:secret"), {}))).message;
  facts.action = await http.action(fn("messages:countViaAction"), { author: "js" });
  // log lines are printed with the function's name; none is unparseable
  await http.query(fn("messages:logs"), {});
  facts.logs = logged.filter((l) => l.includes("messages:logs"));
  facts.unparsedLogs = logged.filter((l) => l.includes("Could not parse"));
  // admin: internal functions, /api/function, acting as a user
  const admin = new ConvexHttpClient(URL_, { logger: false });
  admin.setAdminAuth(ARG);
  facts.adminInternal = await admin.query(fn("messages:secret"), {});
  facts.functionEndpoint = await admin.function(fn("messages:internalSend"), undefined, { author: "js-admin", body: "via /api/function" });
  admin.setAdminAuth(ARG, { subject: "acted-js", issuer: "https://issuer.example", is_admin: true });
  facts.actingAs = await admin.query(fn("messages:identity"), {});
  const noAdmin = new ConvexHttpClient(URL_, { logger: false });
  facts.functionWithoutAdmin = (await failure(noAdmin.function(fn("messages:secret"), undefined, {}))).message;
  const badAdmin = new ConvexHttpClient(URL_, { logger: false });
  badAdmin.setAdminAuth("albertplus|not-the-key");
  facts.badAdminKey = (await failure(badAdmin.query(fn("messages:whoami"), {}))).message;
  // consistentQuery: every call of one client reads at the first call's timestamp
  const consistent = new ConvexHttpClient(URL_, { logger: false });
  facts.consistentBefore = await consistent.consistentQuery(fn("messages:count"), { author: "js-ts" });
  await http.mutation(fn("messages:send"), { author: "js-unrelated", body: "a write the query did not read" });
  facts.consistentAfterUnrelatedWrite = await consistent.consistentQuery(fn("messages:count"), { author: "js-ts" });
  await http.mutation(fn("messages:send"), { author: "js-ts", body: "a write the query read" });
  try {
    facts.consistentAfterRelatedWrite = { value: await consistent.consistentQuery(fn("messages:count"), { author: "js-ts" }) };
  } catch (e) {
    facts.consistentAfterRelatedWrite = { error: String(e.message) };
  }
  const fresh = new ConvexHttpClient(URL_, { logger: false });
  facts.consistentFresh = await fresh.consistentQuery(fn("messages:count"), { author: "js-ts" });
  // mutations of one client are queued and run in call order
  const ids = await Promise.all(Array.from({ length: 10 }, (_, i) => http.mutation(fn("messages:send"), { author: "js-queue", body: `q${i}` })));
  const queued = await http.query(fn("messages:list"), { author: "js-queue" });
  facts.queueInOrder = JSON.stringify(queued.map((d) => d._id)) === JSON.stringify(ids);
}

async function tokens() {
  const byName = JSON.parse(ARG);
  for (const [name, token] of Object.entries(byName)) {
    const client = new ConvexHttpClient(URL_, { logger: false });
    client.setAuth(token);
    try {
      facts[name] = { identity: await client.query(fn("messages:identity"), {}) };
    } catch (e) {
      facts[name] = { error: String(e.message) };
    }
  }
}

try {
  if (MODE === "checks") await checks();
  else if (MODE === "tokens") await tokens();
  else throw new Error(`unknown mode ${MODE}`);
  console.log(JSON.stringify({ ok: true, facts }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, error: String(e && e.stack ? e.stack : e), facts }));
}
