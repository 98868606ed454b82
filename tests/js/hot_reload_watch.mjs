// The official npm ConvexClient (WebSocket) subscribed to one query while albertplus hot-reloads the code,
// for tests/test_hot_reload.py.
//
//   node hot_reload_watch.mjs URL PATH ARGS_JSON TARGET_JSON [TIMEOUT_MS]
//
// Prints {"event": "value", "value": ...} for every result, then one final line
// {"ok": true, "values": [...], "connectionCount": n, "connectionRetries": n} once a result equals TARGET_JSON
// (or {"ok": false, "error": ...} on timeout).
import { ConvexClient } from "convex/browser";
import { makeFunctionReference } from "convex/server";
import WebSocket from "ws";

const [URL_, PATH, ARGS, TARGET, TIMEOUT] = process.argv.slice(2);
const target = JSON.stringify(JSON.parse(TARGET));
const client = new ConvexClient(URL_, { webSocketConstructor: WebSocket, logger: false });
const values = [];
const finish = async (result) => {
  const state = client.connectionState();
  console.log(JSON.stringify({ ...result, values, connectionCount: state.connectionCount,
    connectionRetries: state.connectionRetries }));
  await client.close();
  process.exit(0);
};
const timer = setTimeout(() => finish({ ok: false, error: `no ${target} within ${TIMEOUT || 20000} ms` }),
  Number(TIMEOUT || 20000));
client.onUpdate(makeFunctionReference(PATH), JSON.parse(ARGS), (value) => {
  values.push(value);
  console.log(JSON.stringify({ event: "value", value }));
  if (JSON.stringify(value) === target) {
    clearTimeout(timer);
    finish({ ok: true });
  }
}, (error) => console.log(JSON.stringify({ event: "error", message: String(error) })));
