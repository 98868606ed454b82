// The official npm `ConvexClient` (WebSocket sync, over `ws`) against a running albertplus, for
// tests/test_sync_js_client.py.
//
//   node sync_client.mjs live URL TOKEN       live updates, mutations, errors, auth; prints one JSON result
//   node sync_client.mjs paginate URL         gapless reactive pagination (explicit pages and the paginated client)
//   node sync_client.mjs reconnect URL        interactive: one JSON event per line on stdout, commands on stdin
//
// Non-interactive modes print one JSON document on the last line: {"ok": true, ...} or {"ok": false, "error"}.
import { ConvexClient, ConvexHttpClient } from "convex/browser";
import { makeFunctionReference } from "convex/server";
import { ConvexError } from "convex/values";
import readline from "node:readline";
import WebSocket from "ws";

const [MODE, URL_, TOKEN] = process.argv.slice(2);
const fn = (p) => makeFunctionReference(p);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const facts = {};
const clientErrors = [];
process.on("uncaughtException", (e) => clientErrors.push(`uncaught: ${e && e.stack ? e.stack : e}`));
process.on("unhandledRejection", (e) => clientErrors.push(`unhandled rejection: ${e && e.stack ? e.stack : e}`));

function assert(cond, msg) {
  if (!cond) throw new Error(msg || "assertion failed");
}

// A value that changes over time, and a way to wait for a predicate on it.
function watched() {
  const state = { values: [], waiters: [] };
  state.push = (v) => {
    state.values.push(v);
    for (const w of [...state.waiters]) w();
  };
  state.last = () => state.values[state.values.length - 1];
  state.waitFor = (pred, what, ms = 8000) =>
    new Promise((resolve, reject) => {
      const check = () => {
        if (state.values.length && pred(state.last())) {
          clearTimeout(timer);
          state.waiters = state.waiters.filter((w) => w !== check);
          resolve(state.last());
        }
      };
      const timer = setTimeout(() => {
        state.waiters = state.waiters.filter((w) => w !== check);
        reject(new Error(`timed out waiting for ${what}; last value ${JSON.stringify(state.last())}`));
      }, ms);
      state.waiters.push(check);
      check();
    });
  return state;
}

async function withTimeout(promise, ms, what) {
  let timer;
  try {
    return await Promise.race([
      promise,
      new Promise((_, rej) => {
        timer = setTimeout(() => rej(new Error(`${what}: no answer in ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function live() {
  const client = new ConvexClient(URL_, { webSocketConstructor: WebSocket, logger: false });
  const http = new ConvexHttpClient(URL_, { logger: false });
  const list = watched();
  const unsubscribe = client.onUpdate(fn("messages:list"), { author: "js-live" }, (v) => list.push(v));
  await list.waitFor((v) => v.length === 0, "the first result");
  // a write from another client
  const httpId = await http.mutation(fn("messages:send"), { author: "js-live", body: "over http" });
  await list.waitFor((v) => v.length === 1 && v[0]._id === httpId, "the http client's message");
  // own mutation: resolves, and the update arrives; read-your-writes through the local result
  const id = await withTimeout(client.mutation(fn("messages:send"), { author: "js-live", body: "own" }), 5000, "own mutation");
  assert(typeof id === "string", `mutation returned ${id}`);
  const afterOwn = list.last();
  assert(afterOwn.length === 2 && afterOwn[1]._id === id, `the update did not reach onUpdate before the mutation resolved: ${JSON.stringify(afterOwn)}`);
  // a mutation no subscription depends on still resolves
  await withTimeout(client.mutation(fn("messages:send"), { author: "js-unwatched", body: "x" }), 5000, "unwatched mutation");
  // 20 mutations without awaiting: all resolve, in order
  const ids = await withTimeout(Promise.all(
    Array.from({ length: 20 }, (_, i) => client.mutation(fn("messages:send"), { author: "js-burst", body: `b${i}` })),
  ), 10000, "20 pipelined mutations");
  const burst = await client.query(fn("messages:list"), { author: "js-burst" });
  assert(JSON.stringify(burst.map((d) => d._id)) === JSON.stringify(ids), "pipelined mutations committed out of order");
  facts.burst = burst.length;
  // ConvexError data on a WebSocket mutation
  try {
    await client.mutation(fn("messages:send"), { author: "js-live", body: "" });
    throw new Error("no ConvexError");
  } catch (e) {
    assert(e instanceof ConvexError, `not a ConvexError: ${e}`);
    facts.convexErrorData = e.data;
  }
  // a failing query reaches onError, and a validation error names the field
  const failures = watched();
  client.onUpdate(fn("messages:boom"), {}, () => failures.push("value"), (e) => failures.push(String(e.message)));
  facts.queryError = await failures.waitFor((v) => v !== undefined, "the failing query's error");
  try {
    await client.mutation(fn("messages:send"), { author: "js-live", body: 5 });
    throw new Error("a number was accepted for a string");
  } catch (e) {
    facts.validationError = String(e.message);
  }
  facts.action = await withTimeout(client.action(fn("messages:countViaAction"), { author: "js-live" }), 5000, "action");
  // auth: setAuth re-runs the live query under the new identity; clearAuth signs out
  const who = watched();
  client.onUpdate(fn("messages:identity"), {}, (v) => who.push(v));
  await who.waitFor((v) => v === null, "anonymous identity");
  const authChanges = [];
  client.setAuth(async () => TOKEN, (isAuthenticated) => authChanges.push(isAuthenticated));
  const identity = await who.waitFor((v) => v !== null, "the identity after setAuth");
  facts.identity = identity;
  // signing out as ConvexReactClient.clearAuth does. (Right after the confirmation the client refetches the token
  // once; signing out before that settles would be re-authenticated by it, so let it settle first. And a fetcher
  // returning null would not do: 1.48 sends its Authenticate{None} while the socket is paused, and drops it.)
  await sleep(300);
  client.client.clearAuth();
  await who.waitFor((v) => v === null, "signed out");
  facts.authChanges = authChanges;
  unsubscribe();
  await client.close();
}

// Pages of ranked:page (ascending rank). Explicit page subscriptions with cursors, then the paginated client.
async function paginate() {
  const http = new ConvexHttpClient(URL_, { logger: false });
  for (let rank = 10; rank <= 100; rank += 10) await http.mutation(fn("ranked:add"), { rank, label: `r${rank}` });
  const client = new ConvexClient(URL_, { webSocketConstructor: WebSocket, logger: false });
  const pages = [watched(), watched(), watched()];
  const opts = (cursor) => ({ paginationOpts: { numItems: 4, cursor } });
  client.onUpdate(fn("ranked:page"), opts(null), (v) => pages[0].push(v));
  const first = await pages[0].waitFor((v) => v.page.length === 4, "page 1");
  client.onUpdate(fn("ranked:page"), opts(first.continueCursor), (v) => pages[1].push(v));
  const second = await pages[1].waitFor((v) => v.page.length === 4, "page 2");
  client.onUpdate(fn("ranked:page"), opts(second.continueCursor), (v) => pages[2].push(v));
  await pages[2].waitFor((v) => v.isDone, "page 3");
  const paginated = watched();
  const sub = client.onPaginatedUpdate_experimental(fn("ranked:page"), {}, { initialNumItems: 3 }, (v) => paginated.push(v));
  await paginated.waitFor((v) => v.status === "CanLoadMore" && v.results.length === 3, "the paginated client's first page");
  const loadMore = () => paginated.last().loadMore(3);
  while (paginated.last().status !== "Exhausted") {
    if (paginated.last().status === "CanLoadMore") assert(loadMore(), "loadMore refused");
    await paginated.waitFor((v) => v.status === "CanLoadMore" || v.status === "Exhausted", "another page");
  }
  facts.paginatedPagesBefore = paginated.last().results.map((d) => d.rank);
  const ranksOf = (p) => p.last().page.map((d) => d.rank);
  facts.before = pages.map(ranksOf);
  // writes into every page: before the first row, inside pages 1, 2 and 3, past the end; deletes, one of them
  // the last row of page 1 (its end cursor must hold)
  const writes = [
    ["add", 5], ["add", 25], ["add", 55], ["add", 85], ["add", 1000], ["remove", 60], ["remove", 40], ["add", 41],
  ];
  for (const [op, rank] of writes) {
    if (op === "add") await http.mutation(fn("ranked:add"), { rank, label: `r${rank}` });
    else await http.mutation(fn("ranked:remove"), { label: `r${rank}` });
  }
  const all = (await http.query(fn("ranked:all"), {})).map((d) => d.rank);
  const joined = () => pages.flatMap(ranksOf);
  const deadline = Date.now() + 8000;
  while (JSON.stringify(joined()) !== JSON.stringify(all) && Date.now() < deadline) await sleep(50);
  facts.all = all;
  facts.after = pages.map(ranksOf);
  facts.pageDone = pages.map((p) => p.last().isDone);
  const pagedDeadline = Date.now() + 8000;
  const pagedRanks = () => paginated.last().results.map((d) => d.rank);
  while (JSON.stringify(pagedRanks()) !== JSON.stringify(all) && Date.now() < pagedDeadline) await sleep(50);
  facts.paginatedAfter = pagedRanks();
  facts.paginatedStatus = paginated.last().status;
  sub();
  await client.close();
}

// Interactive: reports every update of messages:list {author: "js-phoenix"} and runs commands from stdin.
async function reconnect() {
  const client = new ConvexClient(URL_, { webSocketConstructor: WebSocket, logger: false });
  const emit = (event) => console.log(JSON.stringify(event));
  client.onUpdate(fn("messages:list"), { author: "js-phoenix" }, (v) => emit({ event: "update", bodies: v.map((d) => d.body) }),
    (e) => emit({ event: "error", message: String(e.message) }));
  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) {
    const [command, ...rest] = line.trim().split(" ");
    if (command === "mutate") {
      try {
        const id = await client.mutation(fn("messages:send"), { author: "js-phoenix", body: rest.join(" ") });
        emit({ event: "mutated", id });
      } catch (e) {
        emit({ event: "mutation-failed", message: String(e.message) });
      }
    } else if (command === "close") {
      await client.close();
      emit({ event: "closed", clientErrors });
      process.exit(0);
    }
  }
}

try {
  if (MODE === "live") await live();
  else if (MODE === "paginate") await paginate();
  else if (MODE === "reconnect") await reconnect();
  else throw new Error(`unknown mode ${MODE}`);
  console.log(JSON.stringify({ ok: true, facts, clientErrors }));
  process.exit(0);
} catch (e) {
  console.log(JSON.stringify({ ok: false, error: String(e && e.stack ? e.stack : e), facts, clientErrors }));
  process.exit(0);
}
