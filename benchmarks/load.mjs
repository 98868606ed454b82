// HTTP load generator for the benchmarks: CONCURRENCY keep-alive loops POSTing for DURATION seconds.
// usage: node load.mjs BASE_URL MODE CONCURRENCY DURATION_S
//   MODE read:  POST /api/query    courses:getCourseByCode with a random code among 10,000 (cache-hostile)
//   MODE hot:   POST /api/query    courses:getCourseByCode with the same code every time (a page of the app)
//   MODE write: POST /api/mutation courses:insertCourse with a unique code
// Prints one JSON line: {requests, errors, seconds, rps, p50_ms, p99_ms}.
const [base, mode, concurrencyArg, durationArg] = process.argv.slice(2);
const concurrency = Number(concurrencyArg || 32);
const duration = Number(durationArg || 10) * 1000;
const latencies = [];
let errors = 0;
let firstError = null;

function body(worker, n) {
  if (mode === "read" || mode === "hot") {
    const code = mode === "hot" ? "BENCH-UA 4242" : `BENCH-UA ${Math.floor(Math.random() * 10000)}`;
    return { path: "courses:getCourseByCode", args: [{ code }], format: "convex_encoded_json" };
  }
  return {
    path: "courses:insertCourse", format: "convex_encoded_json",
    args: [{ code: `W-${worker}-${n}`, program: "W-UA", title: "Written", credits: 4, description: "x" }],
  };
}

const url = `${base}/api/${mode === "write" ? "mutation" : "query"}`;
const end = Date.now() + duration;
async function loop(worker) {
  let n = 0;
  while (Date.now() < end) {
    const started = performance.now();
    try {
      const res = await fetch(url, {
        method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body(worker, n++)),
      });
      const json = await res.json();
      if (res.status !== 200 || json.status !== "success") {
        errors++;
        firstError ??= JSON.stringify(json).slice(0, 200);
      }
    } catch (e) {
      errors++;
      firstError ??= String(e);
    }
    latencies.push(performance.now() - started);
  }
}
const t0 = performance.now();
await Promise.all(Array.from({ length: concurrency }, (_, i) => loop(i)));
const seconds = (performance.now() - t0) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p) => latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] : null;
console.log(JSON.stringify({
  requests: latencies.length, errors, firstError, seconds: +seconds.toFixed(2),
  rps: +(latencies.length / seconds).toFixed(1), p50_ms: +pct(0.5).toFixed(2), p99_ms: +pct(0.99).toFixed(2),
}));
