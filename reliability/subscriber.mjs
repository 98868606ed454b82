// A subscriber that must recover by itself: the official npm ConvexClient (over `ws`) subscribed to one
// query, printing one JSON line per value it receives. Used by reliability/crash.py and the tests.
//
//   node reliability/subscriber.mjs URL UDF_PATH ARGS_JSON
//
// Lines: {"event":"value","value":...,"t":ms} and {"event":"error","error":"..."}; it runs until killed.
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "..", "tests", "js", "package.json"));
const { ConvexClient } = require("convex/browser");
const { makeFunctionReference } = require("convex/server");
const WebSocket = require("ws");

const [URL_, UDF, ARGS] = process.argv.slice(2);
const out = (o) => process.stdout.write(JSON.stringify({ ...o, t: Date.now() }) + "\n");
process.on("uncaughtException", (e) => out({ event: "error", error: `uncaught: ${e && e.stack ? e.stack : e}` }));
process.on("unhandledRejection", (e) => out({ event: "error", error: `unhandled: ${e && e.stack ? e.stack : e}` }));

const client = new ConvexClient(URL_, { webSocketConstructor: WebSocket, unsavedChangesWarning: false });
client.onUpdate(makeFunctionReference(UDF), JSON.parse(ARGS || "{}"),
  (value) => out({ event: "value", value }),
  (error) => out({ event: "error", error: String(error && error.message ? error.message : error) }));
out({ event: "started" });
