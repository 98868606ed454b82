"""A subscriber that must recover by itself: the PyPI `convex` ConvexClient subscribed to one query.

    .venv/bin/python reliability/py_subscriber.py URL UDF_PATH ARGS_JSON

Prints one JSON line per value: {"event": "value", "value": ..., "t": ms}; runs until killed.
"""

from __future__ import annotations

import json
import sys
import time

from convex import ConvexClient


def main() -> None:
    url, udf = sys.argv[1], sys.argv[2]
    args = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
    client = ConvexClient(url)
    print(json.dumps({"event": "started", "t": int(time.time() * 1000)}), flush=True)
    while True:
        try:
            for value in client.subscribe(udf, args):
                print(json.dumps({"event": "value", "value": value, "t": int(time.time() * 1000)}), flush=True)
        except Exception as e:  # noqa: BLE001 - report and subscribe again
            print(json.dumps({"event": "error", "error": repr(e), "t": int(time.time() * 1000)}), flush=True)
            time.sleep(0.5)


if __name__ == "__main__":
    main()
