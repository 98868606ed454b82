// Runs a batch of AlbertPlus function calls through the official npm ConvexHttpClient, as the web app would.
// Usage: node albertplus_calls.mjs <url> <calls.json>, where calls.json is
//   [{"kind": "query"|"mutation"|"action", "path": "courses:getCourses", "args": {...}, "token": "<jwt>"|null}]
// Prints one JSON line: [{"ok": true, "value": ...} | {"ok": false, "message": "...", "data": ...}, ...].
// Kind "paginate" follows continueCursor to the end with `numItems` per page: value = {rows, pages}.
// "$0", "$1", ... strings inside args are replaced by the value of that earlier call (ids from inserts).
import { readFileSync } from "node:fs";
import { ConvexHttpClient } from "convex/browser";
import { ConvexError } from "convex/values";
import { makeFunctionReference } from "convex/server";

const [url, file] = process.argv.slice(2);
const calls = JSON.parse(readFileSync(file, "utf8"));
const results = [];

function substitute(value) {
  if (typeof value === "string" && /^\$\d+$/.test(value)) return results[Number(value.slice(1))].value;
  if (Array.isArray(value)) return value.map(substitute);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v)]));
  }
  return value;
}

async function paginate(client, ref, args, numItems) {
  const rows = [];
  let cursor = null;
  for (let pages = 1; pages <= 200; pages++) {
    const result = await client.query(ref, { ...args, paginationOpts: { numItems, cursor } });
    rows.push(...result.page);
    if (result.isDone) return { rows, pages };
    cursor = result.continueCursor;
  }
  throw new Error("more than 200 pages");
}

for (const call of calls) {
  const client = new ConvexHttpClient(url);
  if (call.token) client.setAuth(call.token);
  const ref = makeFunctionReference(call.path);
  try {
    const value = call.kind === "paginate"
      ? await paginate(client, ref, substitute(call.args ?? {}), call.numItems)
      : await client[call.kind](ref, substitute(call.args ?? {}));
    results.push({ ok: true, value: value ?? null });
  } catch (e) {
    results.push({ ok: false, message: String(e.message), data: e instanceof ConvexError ? e.data : null });
  }
}
console.log(JSON.stringify(results));
