// Fanout benchmark clients: N raw sync-protocol WebSockets (the wire format the official clients speak).
// usage: node fanout_clients.mjs URL ADMIN_KEY N
// 1) all N subscribe to counters:total; one mutation; time until every client has the new result.
// 2) client i subscribes to counters:forUser(user_i); N mutations (one per user, one after another);
//    per mutation, time from sending it until its user's client has the new value; and the server's
//    re-run count per mutation (admin stats endpoint).
// `ws` comes from the npm test clients that scripts/setup installs in tests/js.
const { default: WebSocket } = await import(new URL("../tests/js/node_modules/ws/wrapper.mjs", import.meta.url));

const [url, adminKey, nArg] = process.argv.slice(2);
const N = Number(nArg || 1000);
const wsUrl = url.replace(/^http/, "ws") + "/api/1.48.0/sync";

function client(udfPath, args) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl);
    const state = { ws, value: undefined, onValue: null, version: null };
    ws.on("open", () => {
      ws.send(JSON.stringify({ type: "Connect", sessionId: crypto.randomUUID(), connectionCount: 0, lastCloseReason: null }));
      ws.send(JSON.stringify({ type: "ModifyQuerySet", baseVersion: 0, newVersion: 1,
        modifications: [{ type: "Add", queryId: 0, udfPath, args: [args] }] }));
    });
    ws.on("message", (data) => {
      const msg = JSON.parse(data.toString());
      if (msg.type !== "Transition") return;
      if (state.version && JSON.stringify(msg.startVersion) !== JSON.stringify(state.version)) {
        reject(new Error("version chain broken"));
      }
      state.version = msg.endVersion;
      for (const m of msg.modifications) {
        if (m.type === "QueryUpdated" && m.queryId === 0) {
          const first = state.value === undefined;
          state.value = m.value;
          if (first) resolve(state);
          if (state.onValue) state.onValue(m.value, performance.now());
        }
      }
    });
    ws.on("error", reject);
  });
}

async function opened(count, make) {
  const clients = [];
  for (let i = 0; i < count; i += 50) {
    clients.push(...await Promise.all(Array.from({ length: Math.min(50, count - i) }, (_, j) => make(i + j))));
  }
  return clients;
}

async function mutate(user) {
  const res = await fetch(`${url}/api/mutation`, { method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ path: "counters:bump", args: { userId: user }, format: "json" }) });
  const json = await res.json();
  if (json.status !== "success") throw new Error(JSON.stringify(json));
  return json.value;
}

async function stats() {
  const res = await fetch(`${url}/api/albertplus/stats`, { headers: { authorization: `Convex ${adminKey}` } });
  return res.json();
}

const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
const round = (x) => +x.toFixed(2);

// Node loads its fetch implementation on first use (~100 ms): warm it up before anything is timed.
await stats();

// Scenario 1: N clients, one query.
const shared = await opened(N, () => client("counters:total", {}));
const before = shared[0].value;
const got = [];
const all = new Promise((resolve) => {
  for (const c of shared) {
    c.onValue = (v, t) => { if (v !== before) { got.push(t); c.onValue = null; if (got.length === N) resolve(); } };
  }
});
const t0 = performance.now();
await mutate("fanout-user");
await Promise.race([all, new Promise((r) => setTimeout(r, 30000))]);
const sameLat = got.map((t) => t - t0);
for (const c of shared) c.ws.close();

// Scenario 2: N clients, each its own user's query; N mutations.
const own = await opened(N, (i) => client("counters:forUser", { userId: `user-${i}` }));
const statsBefore = await stats();
const latencies = [];
for (let i = 0; i < N; i++) {
  const c = own[i];
  const updated = new Promise((resolve) => { c.onValue = (v, t) => { if (v === 1) resolve(t); }; });
  const sent = performance.now();
  await mutate(`user-${i}`);
  const t = await Promise.race([updated, new Promise((r) => setTimeout(() => r(null), 5000))]);
  latencies.push(t === null ? Infinity : t - sent);
}
const statsAfter = await stats();
for (const c of own) c.ws.close();

console.log(JSON.stringify({
  sameQuery: { clients: N, updated: got.length, p50_ms: round(pct(sameLat, 0.5)), p100_ms: round(Math.max(...sameLat)) },
  ownQueries: {
    clients: N, mutations: N, missed: latencies.filter((x) => x === Infinity).length,
    p50_ms: round(pct(latencies, 0.5)), p99_ms: round(pct(latencies, 0.99)),
    reruns: statsAfter.reactiveReruns - statsBefore.reactiveReruns,
    rerunsPerMutation: round((statsAfter.reactiveReruns - statsBefore.reactiveReruns) / N),
  },
}));
process.exit(0);
