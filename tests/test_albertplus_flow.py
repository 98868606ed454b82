"""The web app's main flows end to end over the npm ConvexClient (WebSocket), each change seen by a live
subscription: onboarding, the plan page, the register page (listing, search, paging, a time conflict,
alternatives, swap, remove) and the admin page. The steps run in tests/js/albertplus_flow.mjs."""

from __future__ import annotations

import json

import albertplus_support as support
from js_runner import run_node
from server_process import REPO

from albertplus_cli.seed.dataset import load_bundled_dataset

fake_scraper, seeded_server, npm = support.fake_scraper, support.seeded_server, support.npm  # fixtures
DATA = load_bundled_dataset(REPO)


def _conflicting_spring_sections():
    lectures = [o for o in DATA["courseOfferings"] if o["term"] == "spring" and o["year"] == 2027
                and not o["isCorequisite"] and o.get("startTime")]
    return next((a["classNumber"], b["classNumber"]) for a in lectures for b in lectures
                if a["courseCode"] != b["courseCode"] and set(a["days"]) & set(b["days"])
                and a["startTime"] < b["endTime"] and b["startTime"] < a["endTime"])


def test_web_app_flows_with_live_subscriptions(seeded_server, tmp_path):
    a, b = _conflicting_spring_sections()
    audit = [{"courseCode": c["courseCode"], "title": c["title"], "year": c["year"], "term": c["term"],
              **({"grade": c["grade"]} if "grade" in c else {})} for c in DATA["userCourses"][:6]]
    params = {"url": seeded_server.url, "userToken": seeded_server.token("user_flow"),
              "adminToken": seeded_server.token("admin_flow", {"is_admin": True}),
              "audit": audit, "planned": {"courseCode": "CSCI-UA 201", "title": "Computer Systems Organization",
                                          "year": 2027, "term": "spring"},
              "sections": {"a": a, "b": b}}
    (tmp_path / "params.json").write_text(json.dumps(params))
    out = run_node("albertplus_flow.mjs", str(tmp_path / "params.json"), timeout=90)

    steps = {step["step"]: step for step in out["steps"]}
    assert len(steps) == len(out["steps"]) == 22
    # Every change after the first result of a subscription arrived as a pushed update.
    assert steps["student: onboarded"]["updates"] > steps["student: none yet"]["updates"]
    assert steps["schedule: B removed, A back"]["updates"] >= 4
    assert out["imported"]["inserted"] == len(audit) and out["imported"]["duplicates"] == 0
    imported = steps["plan: imported audit"]["value"]
    assert all(row["course"] and row["course"]["code"] == row["courseCode"] for row in imported)

    pages = out["pages"]
    assert (pages["term"], pages["year"]) == ("spring", 2027) and not pages["page1Done"]
    listed = pages["page1"] + pages["page2"]
    assert len(listed) == 50 and len({o["_id"] for o in listed}) == 50
    assert all(o["term"] == "spring" and o["year"] == 2027 and not o["isCorequisite"] for o in listed)
    hits = pages["hits1"] + pages["hits2"]
    assert not pages["hits1Done"] and len({o["_id"] for o in hits}) == len(hits) == 8
    assert all("course" in o for o in hits)

    assert out["conflict"] == {"data": {"type": "TIME_CONFLICT", "conflictingClassNumbers": [a]}}
    assert "Unauthorized: Admin access required" in out["notAdmin"]["message"]
    swapped = steps["alternatives of B: A"]["value"][0]
    assert swapped["courseOffering"]["classNumber"] == a
