-- HTTP load for the benchmarks, run by wrk (a C load generator: it must never be what limits a figure).
-- usage: wrk -t1 -cCONCURRENCY -dDURATIONs -s load.lua BASE_URL -- MODE
--   MODE read:  POST /api/query    courses:getCourseByCode with a random code among 10,000 (cache-hostile)
--   MODE hot:   POST /api/query    courses:getCourseByCode with the same code every time (a page of the app)
--   MODE write: POST /api/mutation courses:insertCourse with a unique code
-- Every answer is checked for `"status":"success"`. Prints one JSON line:
-- {requests, errors, firstError, seconds, rps, p50_ms, p99_ms}.
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

local mode, path, headers
local sent = 0
failures, first_error = 0, ""  -- globals: done() reads them from each thread with thread:get

function init(args)
  mode = args[1] or "read"
  path = mode == "write" and "/api/mutation" or "/api/query"
  headers = { ["content-type"] = "application/json" }
  math.randomseed(os.time() + id)
end

local HOT = '{"path":"courses:getCourseByCode","args":[{"code":"BENCH-UA 4242"}],"format":"convex_encoded_json"}'

function request()
  local body
  if mode == "hot" then
    body = HOT
  elseif mode == "read" then
    body = string.format('{"path":"courses:getCourseByCode","args":[{"code":"BENCH-UA %d"}],' ..
      '"format":"convex_encoded_json"}', math.random(0, 9999))
  else
    sent = sent + 1
    body = string.format('{"path":"courses:insertCourse","format":"convex_encoded_json","args":[{"code":' ..
      '"W-%d-%d","program":"W-UA","title":"Written","credits":4,"description":"x"}]}', id, sent)
  end
  return wrk.format("POST", path, headers, body)
end

function response(status, _headers, body)
  if status ~= 200 or not string.find(body, '"status":"success"', 1, true) then
    failures = failures + 1
    if first_error == "" then first_error = string.sub(body, 1, 200) end
  end
end

local function json_string(s)
  return '"' .. (s:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end)) .. '"'
end

function done(summary, latency, _requests)
  local errors, first = 0, ""
  for _, thread in ipairs(threads) do
    errors = errors + thread:get("failures")
    if first == "" then first = thread:get("first_error") end
  end
  local e = summary.errors
  errors = errors + e.connect + e.read + e.write + e.timeout
  local seconds = summary.duration / 1e6
  io.write(string.format(
    '{"requests":%d,"errors":%d,"firstError":%s,"seconds":%.2f,"rps":%.1f,"p50_ms":%.2f,"p99_ms":%.2f}\n',
    summary.requests, errors, json_string(first), seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
