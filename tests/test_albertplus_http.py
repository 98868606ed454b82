"""The scraper-facing HTTP routes on the site port: the X-API-KEY check, the original's body validation
(400 with zod-style issues), `normalizeCourseLevel`, `{"data": ...}` answers, and the fix that an explicit
empty prerequisites/requirements list clears the old rows."""

from __future__ import annotations

import albertplus_support as support
import httpx
from albertplus_support import API_KEY, value

fake_scraper, seeded_server, npm = support.fake_scraper, support.seeded_server, support.npm  # fixtures
CAS = "College of Arts and Science"


def post(server, path, body, key=API_KEY, raw=None):
    headers = {"X-API-KEY": key} if key is not None else {}
    content = raw if raw is not None else httpx.Request("POST", "/", json=body).content
    return httpx.post(f"{server.site_url}/{path.lstrip('/')}", content=content,
                      headers={**headers, "Content-Type": "application/json"}, timeout=30)


def scraped_course(code, **extra):
    """What the scraper's scrapeCourse emits for one course block."""
    program = code.split(" ")[0]
    return {"program": program, "programName": "Zz Studies", "code": code, "level": "undergraduate",
            "title": f"Topics in {code}", "credits": 4, "description": "No description available.",
            "courseUrl": f"https://bulletins.nyu.edu/courses/{program.lower().replace('-', '_')}/", "school": CAS,
            "prerequisites": [{"type": "required", "courses": ["CSCI-UA 101"]}], **extra}


def test_every_route_requires_the_api_key(seeded_server):
    for path in ("/api/courses/upsert", "/api/programs/upsert", "/api/courseOfferings/upsert",
                 "/api/appConfigs/get", "/api/appConfigs/set"):
        for key in (None, "wrong-key", ""):
            response = post(seeded_server, path, {"key": "current_term"}, key=key)
            assert response.status_code == 401, (path, key)
            assert response.json() == {"error": "Invalid or missing API key"}
            assert response.headers["content-type"] == "application/json"


def test_app_config_routes(seeded_server):
    response = post(seeded_server, "/api/appConfigs/get", {"key": "next_year"})
    assert (response.status_code, response.json()) == (200, {"data": "2027"})
    assert post(seeded_server, "/api/appConfigs/get", {"key": "nope"}).json() == {"data": None}
    first = post(seeded_server, "/api/appConfigs/set", {"key": "http_flag", "value": "true"}).json()["data"]
    again = post(seeded_server, "/api/appConfigs/set", {"key": "http_flag", "value": "false"}).json()["data"]
    assert first == again and isinstance(first, str)
    assert post(seeded_server, "/api/appConfigs/get", {"key": "http_flag"}).json() == {"data": "false"}
    bad = post(seeded_server, "/api/appConfigs/set", {"key": "http_flag", "value": True})
    assert bad.status_code == 400 and bad.json()["error"] == "Invalid request body"
    assert bad.json()["issues"][0]["path"] == ["value"]


def test_course_upsert_with_prerequisites_and_level_normalization(seeded_server, npm):
    response = post(seeded_server, "/api/courses/upsert", scraped_course("ZZHTTP-UA 101"))
    assert response.status_code == 200
    course_id = response.json()["data"]
    again = post(seeded_server, "/api/courses/upsert", scraped_course(
        "ZZHTTP-UA 101", title="Renamed", prerequisites=[
            {"type": "alternative", "courses": ["CSCI-UA 101", "CSCI-UA 102"]},
            {"type": "options", "courses": ["MATH-UA 120"], "creditsRequired": 4}]))
    assert again.json() == {"data": course_id}  # upsert by code
    course = value(npm.one("query", "courses:getCourseById", {"id": course_id}, user="user_http"))
    assert course["title"] == "Renamed"
    assert sorted(p["type"] for p in course["prerequisites"]) == ["alternative", "options"]  # replaced

    levels = {"ZZHTTP-GY 101": (101, "graduate"), "ZZHTTP-UY 9001": (9001, "undergraduate"),
              "ZZHTTP-XX 499": (499, "undergraduate"), "ZZHTTP-XX 501": (501, "graduate")}
    for code, (number, level) in levels.items():
        assert post(seeded_server, "/api/courses/upsert", scraped_course(code, level=number)).status_code == 200
        stored = value(npm.one("query", "courses:getCourseByCode", {"code": code}, user="user_http"))
        assert stored["level"] == level, code


def test_an_explicit_empty_prerequisites_list_clears_them(seeded_server, npm):
    course_id = post(seeded_server, "/api/courses/upsert", scraped_course("ZZHTTP-UA 202")).json()["data"]
    assert len(value(npm.one("query", "courses:getCourseById", {"id": course_id}, user="user_http"))
               ["prerequisites"]) == 1
    assert post(seeded_server, "/api/courses/upsert", scraped_course("ZZHTTP-UA 202", prerequisites=[])).json() \
        == {"data": course_id}
    # The original skipped the delete when the list was empty, so the stale prerequisite stayed.
    assert value(npm.one("query", "courses:getCourseById", {"id": course_id}, user="user_http"))["prerequisites"] == []


def test_program_upsert_with_requirements_and_the_empty_list_fix(seeded_server, npm):
    program = {"name": "Zz Studies (BA)", "level": "undergraduate", "school": CAS,
               "programUrl": "https://bulletins.nyu.edu/undergraduate/arts-science/programs/zz-ba/",
               "requirements": [
                   {"type": "required", "isMajor": True, "courses": ["ZZHTTP-UA 101"], "description": "core"},
                   {"type": "alternative", "isMajor": True, "courses": ["CSCI-UA 101", "CSCI-UA 102"]},
                   {"type": "options", "isMajor": False, "courses": [], "creditsRequired": 8,
                    "courseLevels": [{"program": "ZZHTTP-UA", "level": "400"}]}]}
    response = post(seeded_server, "/api/programs/upsert", program)
    assert response.status_code == 200
    program_id = response.json()["data"]
    stored = value(npm.one("query", "programs:getProgramById", {"id": program_id}, user="user_http"))
    options = next(q for q in stored["requirements"] if q["type"] == "options")
    assert options["courseLevels"] == [{"program": "ZZHTTP-UA", "level": 400}]  # z.coerce.number()
    assert next(q for q in stored["requirements"] if q["type"] == "required")["description"] == "core"
    assert post(seeded_server, "/api/programs/upsert", {**program, "requirements": []}).json() == {"data": program_id}
    assert value(npm.one("query", "programs:getProgramById", {"id": program_id}, user="user_http"))[
        "requirements"] == []


def test_course_offerings_upsert(seeded_server, npm):
    section = {"courseCode": "ZZHTTP-UA 101", "classNumber": 98001, "title": "Topics", "section": "001",
               "year": 2027, "term": "spring", "level": "undergraduate", "school": CAS, "instructors": ["Zed"],
               "location": "WWH 101", "days": ["monday", "wednesday"], "startTime": "08:00", "endTime": "09:15",
               "status": "open"}
    recitation = {**section, "classNumber": 98002, "section": "R01", "days": ["friday"], "isCorequisite": True,
                  "corequisiteOf": 98001}
    first = post(seeded_server, "/api/courseOfferings/upsert", [section, recitation])
    assert first.status_code == 200
    ids = first.json()["data"]
    assert len(ids) == 2 and all(isinstance(i, str) for i in ids)
    waitlisted = post(seeded_server, "/api/courseOfferings/upsert",
                      [{**section, "status": "waitlist", "waitlistNum": 7}])
    assert waitlisted.json() == {"data": [None]}  # an update answers null, as the original's patch path
    rescraped = {k: val for k, val in section.items() if k != "location"} | {"status": "closed"}
    second = post(seeded_server, "/api/courseOfferings/upsert", [rescraped])
    assert second.json() == {"data": [None]}
    stored = value(npm.one("query", "courseOfferings:getCourseOfferingByClassNumber",
                           {"classNumber": 98001, "term": "spring", "year": 2027}, user="user_http"))
    assert stored["status"] == "closed" and stored["isCorequisite"] is False  # z._default(false)
    # patched, not replaced: what the re-scrape omits keeps its stored value
    assert stored["waitlistNum"] == 7 and stored["location"] == "WWH 101"
    coreqs = value(npm.one("query", "courseOfferings:getCorequisitesByCourseCode",
                           {"classNumber": 98001, "term": "spring", "year": 2027}, user="user_http"))
    assert [c["classNumber"] for c in coreqs] == [98002]


def test_bad_bodies_are_rejected_like_the_original(seeded_server):
    missing = post(seeded_server, "/api/courses/upsert", {"code": "ZZ-UA 1"})
    assert missing.status_code == 400
    body = missing.json()
    assert body["error"] == "Invalid request body"
    paths = {tuple(issue["path"]) for issue in body["issues"]}
    assert {("program",), ("title",), ("credits",), ("school",), ("prerequisites",)} <= paths
    assert all(issue["message"] for issue in body["issues"])

    bad_type = post(seeded_server, "/api/courses/upsert",
                    scraped_course("ZZ-UA 2", credits=3.5, prerequisites=[{"type": "corequisite", "courses": []}]))
    assert bad_type.status_code == 400
    assert {tuple(i["path"]) for i in bad_type.json()["issues"]} == {("credits",), ("prerequisites", 0, "type")}

    no_times = post(seeded_server, "/api/courseOfferings/upsert", [{
        "courseCode": "ZZ-UA 1", "classNumber": 1, "section": "001", "year": 2027, "term": "spring",
        "level": "undergraduate", "school": CAS, "instructors": [], "days": [], "status": "open"}])
    assert no_times.status_code == 400
    assert {tuple(i["path"]) for i in no_times.json()["issues"]} == {(0, "startTime"), (0, "endTime")}

    not_array = post(seeded_server, "/api/courseOfferings/upsert", {"courseCode": "x"})
    assert not_array.status_code == 400 and not_array.json()["issues"][0]["expected"] == "array"

    bad_school = post(seeded_server, "/api/programs/upsert", {"name": "X", "level": "undergraduate",
                                                             "school": "Hogwarts", "programUrl": "u",
                                                             "requirements": []})
    assert bad_school.status_code == 400 and bad_school.json()["issues"][0]["code"] == "invalid_value"

    not_json = post(seeded_server, "/api/appConfigs/get", None, raw=b"{not json")
    assert not_json.status_code == 500 and "JSON" in not_json.json()["error"]


def test_routing_matches_method_and_path_together(seeded_server):
    """Convex's httpRouter: a method with no route on a known path is not found (404), like an unknown path."""
    for method in ("GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"):
        response = httpx.request(method, f"{seeded_server.site_url}/api/courses/upsert",
                                 headers={"X-API-KEY": API_KEY}, timeout=30)
        assert response.status_code == 404, (method, response.status_code, response.text)
    unknown = httpx.post(f"{seeded_server.site_url}/api/nowhere", headers={"X-API-KEY": API_KEY}, timeout=30)
    assert unknown.status_code == 404
    assert post(seeded_server, "/api/appConfigs/get", {"key": "next_year"}).status_code == 200  # POST still routes
