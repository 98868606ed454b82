"""Hostile input, the long version: the fuzzing of tests/test_fuzz_http.py and tests/test_fuzz_sync.py, for as
many cases as asked, counting instead of stopping at the first problem.

    .venv/bin/python reliability/fuzz.py                          # 20,000 HTTP + 10,000 function calls
                                                                  # + 5,000 sync sequences (~5-8 minutes)
    .venv/bin/python reliability/fuzz.py --http 100000 --calls 50000 --sync 20000 --minutes 60

One real `albertplus dev` (tests/projects/protocol plus canaries no path may reach, see `fuzz_project`) takes:
- HTTP requests from `http_cases` (every route, odd headers, broken and hostile bodies, traversal paths),
- well-formed calls of the project's functions with hostile arguments (`function_calls`: forged cursors and ids,
  `$`-values, deep and huge values),
- sync sequences from `sync_cases` (malformed and wrongly typed Connect / ModifyQuerySet / Mutation / Action /
  Authenticate frames, invalid UTF-8, bad tokens) followed by a sentinel Action,
in batches of hypothesis examples. After each batch the process must be alive and `/instance_name` answer; a
dead server counts as a crash and is restarted. The server's output is scanned for tracebacks (an unhandled
exception is a bug even when the client got an answer).

It prints progress to stderr and one JSON document to stdout: cases run per kind, HTTP 500s, other wrong
answers (not Convex's shapes, a secret echoed, a socket closed without FatalError), hangs, crashes, tracebacks,
RSS at the start and the end, and the first problems found. The exit status is 0 only when all of them are 0.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from server_process import DevServer  # noqa: E402
from test_fuzz_http import FuzzTarget, function_calls, fuzz_project, http_cases, rss_kib, run_case  # noqa: E402
from test_fuzz_sync import drive, sync_cases  # noqa: E402

BATCH = 250


class Campaign:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.counts: Counter[str] = Counter()
        self.problems: list[dict[str, Any]] = []
        self.rss: list[int] = []
        self.restarts = 0
        self._seen_output = 0
        self.server, self.target = self._start()

    def _start(self) -> tuple[DevServer, FuzzTarget]:
        server = DevServer(fuzz_project(self.workdir, f"protocol{self.restarts}")).start()
        self._seen_output = 0
        return server, FuzzTarget.prepare(server)

    def note(self, kind: str, case: Any, problems: list[str]) -> None:
        for problem in problems:
            if problem.startswith("HTTP 5"):
                self.counts["http_500s"] += 1
            elif problem.startswith("no answer"):
                self.counts["no_answer"] += 1
            elif "a hang" in problem:
                self.counts["hangs"] += 1
            else:
                self.counts["wrong_answers"] += 1
            if len(self.problems) < 25:
                self.problems.append({"kind": kind, "problem": problem[:1000], "case": repr(case)[:1500]})

    def check_server(self) -> None:
        """Alive and answering; new tracebacks in its output counted; a dead server restarted."""
        process = self.server.process
        alive = process is not None and process.poll() is None
        if alive:
            try:
                alive = httpx.get(self.server.url + "/instance_name", timeout=15).status_code == 200
            except httpx.HTTPError:
                alive = False
        output = self.server.output()
        fresh = output[self._seen_output:]
        self._seen_output = len(output)
        tracebacks = fresh.count("Traceback (most recent call last)")
        if tracebacks:
            self.counts["tracebacks"] += tracebacks
            if len(self.problems) < 25:
                start = fresh.index("Traceback")
                self.problems.append({"kind": "server output", "problem": fresh[start:start + 3000]})
        if "\x1b" in fresh:
            self.counts["raw_escapes_in_output"] += 1
        if alive:
            assert process is not None
            self.rss.append(rss_kib(process.pid))
            return
        self.counts["crashes"] += 1
        self.problems.append({"kind": "crash", "problem": self.server.output()[-3000:]})
        self.server.stop()
        self.target.client.close()
        self.restarts += 1
        self.server, self.target = self._start()

    def batch(self, kind: str, examples: int) -> None:
        target = self.target

        @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(data=st.data())
        def one(data: st.DataObject) -> None:
            if kind == "sync":
                case: Any = data.draw(sync_cases(target))
                outcome = drive(target.server.url, case.frames, secrets=target.secrets())
                self.counts["sync_alive" if outcome.alive else "sync_closed"] += 1
                problems = outcome.problems
            else:
                case = data.draw(http_cases(target) if kind == "http" else function_calls(target))
                problems = run_case(target, case)
            self.counts[f"{kind}_cases"] += 1
            self.note(kind, case, problems)

        one()

    def run(self, kind: str, total: int, deadline: float) -> None:
        done = 0
        while done < total and time.monotonic() < deadline:
            examples = min(BATCH, total - done)
            self.batch(kind, examples)
            done += examples
            self.check_server()
            print(f"{kind}: {self.counts[f'{kind}_cases']} cases; 500s {self.counts['http_500s']}, "
                  f"crashes {self.counts['crashes']}, other problems {len(self.problems)}", file=sys.stderr,
                  flush=True)

    def close(self) -> None:
        self.target.client.close()
        self.server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--http", type=int, default=20_000, help="HTTP requests from http_cases")
    parser.add_argument("--calls", type=int, default=10_000, help="function calls with hostile arguments")
    parser.add_argument("--sync", type=int, default=5_000, help="sync-protocol frame sequences")
    parser.add_argument("--minutes", type=float, default=60.0, help="stop starting new batches after this long")
    args = parser.parse_args()
    started = time.monotonic()
    deadline = started + args.minutes * 60
    with tempfile.TemporaryDirectory(prefix="albertplus-fuzz-") as tmp:
        campaign = Campaign(Path(tmp))
        try:
            campaign.check_server()
            for kind, total in (("http", args.http), ("calls", args.calls), ("sync", args.sync)):
                campaign.run(kind, total, deadline)
        finally:
            campaign.close()
    counts = campaign.counts
    cases = counts["http_cases"] + counts["calls_cases"] + counts["sync_cases"]
    failures = (counts["http_500s"] + counts["crashes"] + counts["wrong_answers"] + counts["no_answer"]
                + counts["hangs"] + counts["tracebacks"] + counts["raw_escapes_in_output"])
    report = {
        "cases": {"http": counts["http_cases"], "function_calls": counts["calls_cases"],
                  "sync_sequences": counts["sync_cases"], "total": cases},
        "sync_sockets": {"survived": counts["sync_alive"], "closed_with_fatal_or_auth_error": counts["sync_closed"]},
        "http_500s": counts["http_500s"],
        "crashes": counts["crashes"],
        "hangs": counts["hangs"],
        "no_answer": counts["no_answer"],
        "wrong_answers": counts["wrong_answers"],
        "tracebacks_in_server_output": counts["tracebacks"],
        "rss_kib": {"first": campaign.rss[0] if campaign.rss else None,
                    "last": campaign.rss[-1] if campaign.rss else None,
                    "max": max(campaign.rss) if campaign.rss else None},
        "seconds": round(time.monotonic() - started, 1),
        "problems": campaign.problems,
        "summary": {"cases": cases, "http_500s": counts["http_500s"], "crashes": counts["crashes"],
                    "ok": failures == 0},
    }
    print(json.dumps(report, indent=2))
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
