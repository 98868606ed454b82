"""The original backend's known bugs (spec §2.4 notes, §6), each with a test that fails on its behaviour:

- class-number joins ignored term/year (`getOneFrom(by_class_number)` + `.unique()` threw for reused numbers,
  and the time-conflict check compared sections of different terms);
- `getCourses` shared one cursor between its per-school sub-queries;
- `seedAll` required start/end times and refused `description`; re-seeding appended duplicate rows (its
  answer and its required arrays stay the original's);
- `clearAll` skipped `studentInvites`.
(The empty prerequisites/requirements list is in test_albertplus_http.py.)
"""

from __future__ import annotations

import albertplus_support as support
import httpx
import pytest
from albertplus_support import Npm, admin_call, call, error, pages, value
from server_process import REPO, DevServer, copy_project

from albertplus_cli.seed.dataset import load_bundled_dataset

fake_scraper, seeded_server, npm = support.fake_scraper, support.seeded_server, support.npm  # fixtures
DATA = load_bundled_dataset(REPO)
REUSED = [10992, 12235, 14041, 14197, 17713, 18596]  # in both fall 2026 and spring 2027 (seed/README.md)
CAS, TANDON = "College of Arts and Science", "Tandon School of Engineering"


def sections(term, year, lectures=True):
    return [o for o in DATA["courseOfferings"] if o["term"] == term and o["year"] == year
            and (not lectures or not o["isCorequisite"])]


def overlaps(a, b):
    return bool(set(a["days"]) & set(b["days"])) and a["startTime"] < b["endTime"] and b["startTime"] < a["endTime"]


def test_reused_class_numbers_join_to_the_registration_term(npm):
    me = npm.token("user_reused")
    both_terms = [call("query", "courseOfferings:getCourseOfferingByClassNumber",
                       {"classNumber": 10992, "term": term, "year": year}, me)
                  for term, year in (("fall", 2026), ("spring", 2027))]
    r = npm.run([
        *both_terms,
        call("mutation", "userCourseOfferings:addUserCourseOffering", {"classNumber": 10992}, me),
        call("query", "userCourseOfferings:getUserCourseOfferings", {}, me),
        call("query", "userCourseOfferings:getScheduleCourseOfferings", {}, me),
        call("query", "userCourseOfferings:getCourseOfferingsByClassNumbers", {"classNumbers": REUSED}, me),
    ])
    fall, spring = value(r[0]), value(r[1])
    assert fall["_id"] != spring["_id"]  # two sections share the number: a number-only .unique() throws
    assert r[2]["ok"]
    for result in (r[3], r[4]):
        [row] = value(result)
        assert row["courseOffering"]["_id"] == spring["_id"]  # the next term (spring 2027) is the one planned
    assert [(o["term"], o["year"]) for o in value(r[5])] == [("spring", 2027)] * len(REUSED)


def test_time_conflicts_only_count_sections_of_the_same_term(npm):
    spring_numbers = {o["classNumber"] for o in sections("spring", 2027, lectures=False)}
    fall_only = [o for o in sections("fall", 2026) if o.get("startTime") and o["classNumber"] not in spring_numbers]
    spring = [o for o in sections("spring", 2027) if o.get("startTime")]
    fall_section, spring_section = next((f, s) for f in fall_only for s in spring if overlaps(f, s))
    spring_rival = next(s for s in spring if s["courseCode"] != spring_section["courseCode"]
                        and overlaps(s, spring_section))
    me = npm.token("user_terms")
    r = npm.run([
        call("mutation", "userCourseOfferings:addUserCourseOffering", {"classNumber": fall_section["classNumber"]}, me),
        call("mutation", "userCourseOfferings:addUserCourseOffering",
             {"classNumber": spring_section["classNumber"]}, me),
        call("mutation", "userCourseOfferings:addUserCourseOffering", {"classNumber": spring_rival["classNumber"]}, me),
        call("query", "userCourseOfferings:getUserCourseOfferings", {}, me),
    ])
    assert r[0]["ok"] and r[1]["ok"], r  # same weekly time, different terms: no conflict
    assert r[2]["data"] == {"type": "TIME_CONFLICT", "conflictingClassNumbers": [spring_section["classNumber"]]}
    terms = {row["classNumber"]: row["courseOffering"]["term"] for row in value(r[3])}
    assert terms == {fall_section["classNumber"]: "fall", spring_section["classNumber"]: "spring"}


def _pages(npm, args, num_items):
    result = value(npm.run([pages("courses:getCourses", args, num_items, npm.token("user_composite"))])[0])
    return result["rows"], result["pages"]


@pytest.mark.parametrize("text", [None, "Introduction"])
def test_get_courses_pages_every_school_to_the_end(npm, text):
    base = {"level": "undergraduate", **({"query": text} if text else {})}
    token = npm.token("user_composite")
    singles = npm.run([pages("courses:getCourses", {**base, "schools": [school]}, 1000, token)
                       for school in (CAS, TANDON)])
    expected = {school: [c["_id"] for c in value(result)["rows"]]
                for school, result in zip((CAS, TANDON), singles, strict=True)}
    assert len(expected[CAS]) != len(expected[TANDON]) and min(map(len, expected.values())) > 3
    num_items = max(2, min(map(len, expected.values())) // 3)
    rows, page_count = _pages(npm, {**base, "schools": [CAS, TANDON]}, num_items)
    ids = [c["_id"] for c in rows]
    assert len(ids) == len(set(ids))  # no row twice
    assert sorted(ids) == sorted(expected[CAS] + expected[TANDON])  # none missing
    assert page_count >= 3
    for school in (CAS, TANDON):  # each school's rows keep their own order across pages
        assert [i for i in ids if i in set(expected[school])] == expected[school]


def test_get_courses_refuses_a_foreign_cursor(npm):
    result = npm.one("query", "courses:getCourses", {"level": "undergraduate", "schools": [CAS],
                                                     "paginationOpts": {"numItems": 5, "cursor": "abc"}},
                     user="user_composite")
    error(result, "Invalid cursor")


# --- seeding: a server of its own, since clearAll wipes everything ---------------------------------------------

def _subset():
    codes = {"CSCI-UA 101", "CSCI-UA 102", "CSCI-UA 201", "MATH-UA 120"}
    async_section = next(o for o in DATA["courseOfferings"] if not o.get("startTime"))
    offerings = [o for o in DATA["courseOfferings"] if o["courseCode"] in codes or o["classNumber"] in REUSED[:2]]
    offerings.append(async_section)
    courses = [c for c in DATA["courses"] if c["code"] in codes | {o["courseCode"] for o in offerings}]
    return {
        "appConfigs": DATA["appConfigs"], "schools": DATA["schools"],
        "programs": [p for p in DATA["programs"] if p["name"] == "Computer Science (BA)"],
        "courses": courses, "courseOfferings": offerings,
        "prerequisites": [p for p in DATA["prerequisites"] if p["courseCode"] in codes],
        "requirements": [q for q in DATA["requirements"] if q["programName"] == "Computer Science (BA)"],
        "students": DATA["students"],
        "userCourses": DATA["userCourses"][:5],
        "userCourseOfferings": [{"userId": "user_demo", "classNumber": REUSED[0]}],
    }, async_section


@pytest.fixture(scope="module")
def small_server(tmp_path_factory):
    project = copy_project(REPO, tmp_path_factory.mktemp("albertplus_small") / "project")
    server = DevServer(project).start()
    yield server
    server.stop()


def test_seed_all_loads_sections_without_times_and_with_descriptions(small_server):
    data, async_section = _subset()
    assert "startTime" not in async_section and "description" in data["courseOfferings"][0]
    first = admin_call(small_server, "seed:seedAll", data)
    assert first == {"success": True, "message": "Database seeded successfully"}  # the original's answer
    admin_call(small_server, "seed:seedAll", data)  # idempotent: nothing is appended twice
    client = Npm(small_server)
    demo = client.token("user_demo")
    r = client.run([
        call("query", "courseOfferings:getCourseOfferingByClassNumber",
             {"classNumber": async_section["classNumber"], "term": async_section["term"],
              "year": async_section["year"]}, demo),
        call("query", "courses:getCourseByCode", {"code": "CSCI-UA 102"}, demo),
        call("query", "programs:getProgramByName", {"name": "Computer Science (BA)"}, demo),
        call("query", "userCourseOfferings:getUserCourseOfferings", {}, demo),
        call("query", "students:getCurrentStudent", {}, demo),
        call("query", "userCourses:getUserCourses", {}, demo),
        call("query", "courseOfferings:getCourseOfferingsByCourseCodes",
             {"courseCodes": ["CSCI-UA 101"], "term": "spring", "year": 2027}, demo),
    ])
    stored = value(r[0])
    assert stored["days"] == async_section["days"] and "startTime" not in stored
    lecture = value(r[6])[0]
    source = next(o for o in data["courseOfferings"] if o["classNumber"] == lecture["classNumber"]
                  and o["term"] == "spring")
    assert lecture.get("description") == source.get("description")
    assert len(value(r[1])["prerequisites"]) == len([p for p in data["prerequisites"]
                                                      if p["courseCode"] == "CSCI-UA 102"])
    assert len(value(r[2])["requirements"]) == len(data["requirements"])
    assert len(value(r[3])) == 1 and len(value(r[5])) == 5
    assert value(r[4])["school"]["shortName"] == "CAS"


def test_seed_all_requires_every_table_array_and_changes_nothing_without_one(small_server):
    """The original's validator: each of the ten arrays is required (an empty one is fine)."""
    data, _ = _subset()
    complete = {**data, "appConfigs": [{"key": "seed_probe", "value": "kept"}]}
    admin_call(small_server, "seed:seedAll", complete)
    for table in ("requirements", "userCourseOfferings"):
        partial = {k: rows for k, rows in complete.items() if k != table}
        partial["appConfigs"] = [{"key": "seed_probe", "value": "changed"}]
        response = httpx.post(f"{small_server.url}/api/function",
                              json={"path": "seed:seedAll", "args": partial, "format": "json"},
                              headers={"Authorization": f"Convex {small_server.admin_key}"}, timeout=60)
        body = response.json()
        assert body["status"] == "error", body
        assert "ArgumentValidationError" in body["errorMessage"] and table in body["errorMessage"], body
    empty = {table: [] for table in complete}
    assert admin_call(small_server, "seed:seedAll", empty)["message"] == "Database seeded successfully"
    configs = Npm(small_server).one("query", "appConfigs:getAppConfig", {"key": "seed_probe"}, user="user_probe")
    assert value(configs) == "kept"


def test_clear_all_also_clears_student_invites(small_server):
    client = Npm(small_server)
    me = client.token("user_invited")
    assert value(client.one("mutation", "studentInvites:createInvite", {"name": "Ada", "email": "a@nyu.edu"},
                            user="user_invited"))
    assert admin_call(small_server, "seed:clearAll") == {"success": True, "message": "All tables cleared"}
    r = client.run([
        call("query", "studentInvites:getCurrentUserInvite", {}, me),
        call("mutation", "studentInvites:createInvite", {"name": "Ada", "email": "a@nyu.edu"}, me),
        call("query", "schools:getSchools"),
        call("query", "appConfigs:getAllAppConfigs", {}, me),
        call("query", "courses:getCourses", {"level": "undergraduate", "paginationOpts": {"numItems": 5,
                                                                                         "cursor": None}}, me),
    ])
    assert value(r[0]) is None and r[1]["ok"]  # the old invite is gone, so a new one is accepted
    assert value(r[2]) == [] and value(r[3]) == [] and value(r[4])["page"] == []
