"""Every AlbertPlus function through the npm ConvexHttpClient, as the web app calls them: results, errors,
and the unauthenticated, wrong-user and non-admin paths. One seeded server serves the whole file."""

from __future__ import annotations

import albertplus_support as support
from albertplus_support import admin_call, call, error, pages, value
from server_process import REPO

from albertplus_cli.seed.dataset import load_bundled_dataset

fake_scraper, seeded_server, npm = support.fake_scraper, support.seeded_server, support.npm  # fixtures
DATA = load_bundled_dataset(REPO)
PAGE = {"numItems": 50, "cursor": None}
CAS = "College of Arts and Science"

# Every public function with valid-looking args; ids are filled in by the tests that need real ones.
FAKE_ID = "jh7cqzt3yb0vbvj0x21zkkgmss8jw665"
PROTECTED = [
    ("query", "appConfigs:getAppConfig", {"key": "current_term"}),
    ("query", "appConfigs:getAllAppConfigs", {}),
    ("query", "courses:getCourseByCode", {"code": "CSCI-UA 101"}),
    ("query", "courses:getCourses", {"level": "undergraduate", "paginationOpts": PAGE}),
    ("query", "programs:getProgramByName", {"name": "Computer Science (BA)"}),
    ("query", "programs:getPrograms", {"paginationOpts": PAGE}),
    ("query", "courseOfferings:getCourseOfferingsByCourseCodes",
     {"courseCodes": ["CSCI-UA 101"], "term": "spring", "year": 2027}),
    ("query", "courseOfferings:getCourseOfferingByClassNumber", {"classNumber": 10992, "term": "fall", "year": 2026}),
    ("query", "courseOfferings:getCorequisitesByCourseCode", {"classNumber": 1, "term": "fall", "year": 2026}),
    ("query", "courseOfferings:getCourseOfferings", {"term": "spring", "year": 2027, "paginationOpts": PAGE}),
    ("query", "students:getCurrentStudent", {}),
    ("mutation", "students:updateCurrentStudent", {}),
    ("query", "studentInvites:getCurrentUserInvite", {}),
    ("mutation", "studentInvites:createInvite", {"name": "N", "email": "e@x"}),
    ("query", "userCourses:getUserCourses", {}),
    ("mutation", "userCourses:createUserCourse", {"courseCode": "X", "title": "X", "year": 2026, "term": "fall"}),
    ("mutation", "userCourses:importUserCourses", {"courses": []}),
    ("query", "userCourseOfferings:getUserCourseOfferings", {}),
    ("query", "userCourseOfferings:getScheduleCourseOfferings", {}),
    ("mutation", "userCourseOfferings:addUserCourseOffering", {"classNumber": 10992}),
    ("query", "userCourseOfferings:getCourseOfferingsByClassNumbers", {"classNumbers": [10992]}),
]
ADMIN_ONLY = [
    ("mutation", "appConfigs:setAppConfig", {"key": "k_admin_gate", "value": "v"}),
    ("mutation", "appConfigs:removeAppConfig", {"key": "k_admin_gate"}),
    ("action", "scraper:triggerMajorsScraping", {}),
    ("action", "scraper:triggerCoursesScraping", {}),
]
INTERNAL = [
    ("query", "appConfigs:getAppConfigInternal", {"key": "current_term"}),
    ("mutation", "appConfigs:setAppConfigInternal", {"key": "k", "value": "v"}),
    ("mutation", "courses:upsertCourseInternal", {}),
    ("mutation", "seed:clearAll", {}),
    ("mutation", "seed:seedAll", {}),
    ("mutation", "prerequisites:deletePrerequisitesByCourseInternal", {"courseId": FAKE_ID}),
    ("mutation", "courseOfferings:upsertCourseOfferingsInternal", {"courseOfferings": []}),
]


def spring_lectures():
    return [o for o in DATA["courseOfferings"]
            if o["term"] == "spring" and o["year"] == 2027 and not o["isCorequisite"]]


def test_signed_out_callers_are_refused(npm):
    results = npm.run([call(kind, path, args) for kind, path, args in PROTECTED + ADMIN_ONLY])
    for result in results:
        error(result, "Uncaught Error: Not authenticated")


def test_non_admins_are_refused_and_admins_allowed(npm):
    user, admin = npm.token("user_gate"), npm.token("admin_gate", admin=True)
    results = npm.run([call(kind, path, args, user) for kind, path, args in ADMIN_ONLY[:2]]
                      + [call(kind, path, args, admin) for kind, path, args in ADMIN_ONLY[:2]])
    for result in results[:2]:
        error(result, "Uncaught Error: Unauthorized: Admin access required")
    assert value(results[2]) and value(results[3]) is True
    scraper = npm.run([call(kind, path, args, user) for kind, path, args in ADMIN_ONLY[2:]])
    for result in scraper:
        error(result, "Unauthorized: Admin access required")


def test_internal_functions_are_not_public(npm):
    admin = npm.token("admin_internal", admin=True)
    for result in npm.run([call(kind, path, args, admin) for kind, path, args in INTERNAL]):
        error(result, "Could not find public function")


def test_app_configs(npm, seeded_server):
    user, admin = npm.token("user_cfg"), npm.token("admin_cfg", admin=True)
    r = npm.run([
        call("query", "appConfigs:getAppConfig", {"key": "next_term"}, user),
        call("query", "appConfigs:getAppConfig", {"key": "no_such_key"}, user),
        call("query", "appConfigs:getAllAppConfigs", {}, user),
        call("mutation", "appConfigs:setAppConfig", {"key": "cfg_test", "value": "1"}, admin),
        call("mutation", "appConfigs:setAppConfig", {"key": "cfg_test", "value": "2"}, admin),
        call("query", "appConfigs:getAppConfig", {"key": "cfg_test"}, user),
        call("mutation", "appConfigs:removeAppConfig", {"key": "cfg_test"}, admin),
        call("mutation", "appConfigs:removeAppConfig", {"key": "cfg_test"}, admin),
        call("query", "appConfigs:getAppConfig", {"key": "cfg_test"}, user),
    ])
    assert value(r[0]) == "spring" and value(r[1]) is None
    configs = {doc["key"]: doc["value"] for doc in value(r[2])}
    assert {"current_term": "fall", "current_year": "2026", "next_term": "spring", "next_year": "2027"}.items() \
        <= configs.items()
    assert value(r[3]) == value(r[4])  # upsert by key: the same document
    assert value(r[5]) == "2" and value(r[6]) is True and value(r[7]) is False and value(r[8]) is None
    assert admin_call(seeded_server, "appConfigs:getAppConfigInternal", {"key": "current_year"}) == "2026"
    doc_id = admin_call(seeded_server, "appConfigs:setAppConfigInternal", {"key": "cfg_internal", "value": "x"})
    assert admin_call(seeded_server, "appConfigs:setAppConfigInternal", {"key": "cfg_internal", "value": "y"}) == doc_id


def test_schools_need_no_sign_in(npm):
    r = npm.run([
        call("query", "schools:getSchools"),
        call("query", "schools:getSchoolByNameAndLevel", {"name": CAS, "level": "undergraduate"}),
        call("query", "schools:getSchoolByNameAndLevel", {"name": "NYU Abu Dhabi", "level": "graduate"}),
        call("query", "schools:getSchoolByNameAndLevel", {"name": "Hogwarts", "level": "graduate"}),
    ])
    assert len(value(r[0])) == len(DATA["schools"])
    assert value(r[1])["shortName"] == "CAS"
    expected = [s for s in DATA["schools"] if s["name"] == "NYU Abu Dhabi" and s["level"] == "graduate"]
    assert (value(r[2]) is None) == (not expected)
    error(r[3], "ArgumentValidationError")


def test_courses_lookups_with_prerequisites(npm):
    user = npm.token("user_courses")
    course = value(npm.one("query", "courses:getCourseByCode", {"code": "CSCI-UA 102"}, user="user_courses"))
    r = npm.run([call("query", "courses:getCourseById", {"id": course["_id"]}, user),
                 call("query", "courses:getCourseByCode", {"code": "NOPE-UA 1"}, user),
                 call("query", "courses:getCourseById", {"id": "not-an-id"}, user)])
    expected = [p for p in DATA["prerequisites"] if p["courseCode"] == "CSCI-UA 102"]
    assert course["title"] and len(course["prerequisites"]) == len(expected) > 0
    assert all("courseId" not in p and p["type"] in ("required", "alternative", "options")
               for p in course["prerequisites"])
    assert value(r[0]) == course and value(r[1]) is None
    error(r[2], "ArgumentValidationError")


def _all_pages(npm, subject, path, args, num_items):
    """Follow continueCursor to the end; returns (rows, number of pages)."""
    result = value(npm.run([pages(path, args, num_items, npm.token(subject))])[0])
    return result["rows"], result["pages"]


def test_get_courses_single_sources(npm):
    user = npm.token("user_courses_list")
    graduate = [c for c in DATA["courses"] if c["level"] == "graduate"]
    rows, page_count = _all_pages(npm, "user_courses_list", "courses:getCourses", {"level": "graduate"}, 40)
    assert sorted(c["code"] for c in rows) == sorted(c["code"] for c in graduate)
    assert [c["_creationTime"] for c in rows] == sorted((c["_creationTime"] for c in rows), reverse=True)
    assert page_count >= 2
    r = npm.run([call("query", "courses:getCourses",
                      {"level": "undergraduate", "query": "Computer", "paginationOpts": PAGE}, user)])
    hits = value(r[0])["page"]
    assert hits and all(c["level"] == "undergraduate" for c in hits)
    assert any("Computer" in c["title"] for c in hits)


def test_get_courses_with_an_empty_query_searches_for_no_text(npm):
    """As the original: a given `query` searches, and a search for "" matches nothing, with or without schools
    (only an absent `query` lists the catalog)."""
    user = npm.token("user_courses_empty")
    r = npm.run([call("query", "courses:getCourses", {"level": "undergraduate", **extra, "paginationOpts": PAGE},
                      user)
                 for extra in ({"query": ""}, {"query": "", "schools": [CAS]}, {"query": "   "},
                               {"query": "", "schools": [CAS, "Tandon School of Engineering"]}, {})])
    for result in r[:4]:
        assert value(result)["page"] == [] and value(result)["isDone"] is True
    assert len(value(r[4])["page"]) == PAGE["numItems"]  # without a query: the whole level, newest first


def test_programs(npm):
    user = npm.token("user_programs")
    r = npm.run([
        call("query", "programs:getProgramByName", {"name": "Computer Science (BA)"}, user),
        call("query", "programs:getPrograms", {"paginationOpts": {"numItems": 100, "cursor": None}}, user),
        call("query", "programs:getPrograms", {"query": "Computer", "paginationOpts": PAGE}, user),
        call("query", "programs:getProgramByName", {"name": "Underwater Basket Weaving (BA)"}, user),
    ])
    program = value(r[0])
    expected = [q for q in DATA["requirements"] if q["programName"] == "Computer Science (BA)"]
    assert len(program["requirements"]) == len(expected)
    assert all("programId" not in q for q in program["requirements"])
    options = [q for q in program["requirements"] if q["type"] == "options"]
    assert options and options[0]["courseLevels"] == [{"program": "CSCI-UA", "level": 400}]
    listed = value(r[1])
    assert listed["isDone"] and len(listed["page"]) == len(DATA["programs"])
    assert any(p["name"] == "Computer Science (BA)" for p in value(r[2])["page"])
    assert value(r[3]) is None
    by_id = value(npm.one("query", "programs:getProgramById", {"id": program["_id"]}, user="user_programs"))
    assert by_id == program


def test_prerequisites_and_requirements_internal(npm, seeded_server):
    course_id = admin_call(seeded_server, "courses:upsertCourseInternal", {
        "code": "ZZPRE-UA 1", "program": "ZZPRE-UA", "programName": "Zz", "level": "undergraduate", "title": "Zz",
        "credits": 4, "school": CAS, "description": "d", "courseUrl": "u"})
    ids = admin_call(seeded_server, "prerequisites:createPrerequisitesInternal", {"prerequisites": [
        {"courseId": course_id, "type": "required", "courses": ["CSCI-UA 101"]},
        {"courseId": course_id, "type": "options", "courses": ["MATH-UA 120"], "creditsRequired": 4}]})
    assert len(ids) == 2
    course = value(npm.one("query", "courses:getCourseById", {"id": course_id}, user="u_pre"))
    assert {"type": "options", "courses": ["MATH-UA 120"], "creditsRequired": 4} in \
        [{k: val for k, val in p.items() if not k.startswith("_")} for p in course["prerequisites"]]
    admin_call(seeded_server, "prerequisites:deletePrerequisitesByCourseInternal", {"courseId": course_id})
    assert value(npm.one("query", "courses:getCourseById", {"id": course_id}, user="u_pre"))["prerequisites"] == []

    program_id = admin_call(seeded_server, "programs:upsertProgramInternal", {
        "name": "Zz Studies (BA)", "level": "undergraduate", "school": CAS, "programUrl": "u"})
    admin_call(seeded_server, "requirements:createRequirementsInternal", {"requirements": [
        {"programId": program_id, "isMajor": True, "type": "required", "courses": ["ZZPRE-UA 1"],
         "description": "core"},
        {"programId": program_id, "isMajor": False, "type": "options", "courses": [],
         "courseLevels": [{"program": "ZZPRE-UA", "level": 400}], "creditsRequired": 8}]})
    program = value(npm.one("query", "programs:getProgramById", {"id": program_id}, user="u_pre"))
    assert sorted(q["type"] for q in program["requirements"]) == ["options", "required"]
    admin_call(seeded_server, "requirements:deleteRequirementsByProgramInternal", {"programId": program_id})
    assert value(npm.one("query", "programs:getProgramById", {"id": program_id}, user="u_pre"))["requirements"] == []


def test_course_offerings_lookups(npm):
    user = npm.token("user_offerings")
    lecture = next(o for o in spring_lectures() if any(
        c.get("corequisiteOf") == o["classNumber"] and c["term"] == "spring" for c in DATA["courseOfferings"]))
    coreqs = [c for c in DATA["courseOfferings"] if c.get("corequisiteOf") == lecture["classNumber"]
              and c["term"] == "spring" and c["year"] == 2027]
    codes = ["CSCI-UA 101", "CSCI-UA 102"]
    r = npm.run([
        call("query", "courseOfferings:getCourseOfferingByClassNumber",
             {"classNumber": 10992, "term": "fall", "year": 2026}, user),
        call("query", "courseOfferings:getCourseOfferingByClassNumber",
             {"classNumber": 10992, "term": "spring", "year": 2027}, user),
        call("query", "courseOfferings:getCourseOfferingByClassNumber",
             {"classNumber": 10992, "term": "summer", "year": 2026}, user),
        call("query", "courseOfferings:getCourseOfferingsByCourseCodes",
             {"courseCodes": codes, "term": "spring", "year": 2027}, user),
        call("query", "courseOfferings:getCorequisitesByCourseCode",
             {"classNumber": lecture["classNumber"], "term": "spring", "year": 2027}, user),
    ])
    fall, spring = value(r[0]), value(r[1])
    assert (fall["term"], spring["term"]) == ("fall", "spring") and fall["_id"] != spring["_id"]
    assert value(r[2]) is None
    expected = [o for o in DATA["courseOfferings"] if o["courseCode"] in codes and o["term"] == "spring"
                and o["year"] == 2027]
    assert sorted(o["classNumber"] for o in value(r[3])) == sorted(o["classNumber"] for o in expected)
    assert sorted(o["classNumber"] for o in value(r[4])) == sorted(c["classNumber"] for c in coreqs)
    by_id = value(npm.one("query", "courseOfferings:getCourseOfferingById", {"id": spring["_id"]},
                          user="user_offerings"))
    assert by_id == spring


def test_course_offerings_register_listing_and_search(npm):
    rows, page_count = _all_pages(npm, "user_register", "courseOfferings:getCourseOfferings",
                                  {"term": "spring", "year": 2027}, 200)
    assert page_count >= 3
    assert sorted(o["classNumber"] for o in rows) == sorted(o["classNumber"] for o in spring_lectures())
    assert all(not o["isCorequisite"] for o in rows)
    with_course = [o for o in rows if o["course"] is not None]
    assert with_course and all(o["course"]["code"] == o["courseCode"] for o in with_course)

    hits, page_count = _all_pages(npm, "user_register", "courseOfferings:getCourseOfferings",
                                  {"term": "spring", "year": 2027, "query": "Data"}, 5)
    assert page_count >= 2 and len({o["_id"] for o in hits}) == len(hits)
    assert all(o["term"] == "spring" and o["year"] == 2027 and not o["isCorequisite"] for o in hits)
    assert any("Data" in (o.get("title") or "") for o in hits)
    by_code = value(npm.one("query", "courseOfferings:getCourseOfferings",
                            {"term": "spring", "year": 2027, "query": "CSCI", "paginationOpts": PAGE},
                            user="user_register"))
    assert by_code["page"] and any(o["courseCode"].startswith("CSCI") for o in by_code["page"])


def test_course_offerings_upsert_internal(npm, seeded_server):
    offering = {"courseCode": "ZZOFF-UA 1", "classNumber": 99001, "section": "001", "year": 2027, "term": "spring",
                "level": "undergraduate", "school": CAS, "instructors": ["Zed"], "days": ["friday"],
                "startTime": "08:00", "endTime": "09:00", "status": "waitlist", "waitlistNum": 3,
                "isCorequisite": False}
    new_id = admin_call(seeded_server, "courseOfferings:upsertCourseOfferingInternal", offering)
    assert isinstance(new_id, str)
    opened = {k: val for k, val in offering.items() if k != "waitlistNum"} | {"status": "open"}
    assert admin_call(seeded_server, "courseOfferings:upsertCourseOfferingInternal", opened) is None
    assert admin_call(seeded_server, "courseOfferings:upsertCourseOfferingsInternal",
                      {"courseOfferings": [opened, {**opened, "classNumber": 99002}]})[0] is None
    stored = value(npm.one("query", "courseOfferings:getCourseOfferingById", {"id": new_id}, user="user_upsert"))
    assert stored["status"] == "open" and stored["waitlistNum"] == 3  # patched as the original: omitted fields stay
    twin = value(npm.one("query", "courseOfferings:getCourseOfferingByClassNumber",
                         {"classNumber": 99002, "term": "spring", "year": 2027}, user="user_upsert"))
    assert twin["courseCode"] == "ZZOFF-UA 1"


def test_students(npm):
    subject = "user_student_a"
    me, other = npm.token(subject), npm.token("user_student_other")
    schools = value(npm.one("query", "schools:getSchools"))
    cas = next(s for s in schools if s["shortName"] == "CAS" and s["level"] == "undergraduate")
    program = value(npm.one("query", "programs:getProgramByName", {"name": "Computer Science (BA)"}, user=subject))
    profile = {"programs": [program["_id"]], "school": cas["_id"], "startingDate": {"year": 2024, "term": "fall"},
               "expectedGraduationDate": {"year": 2028, "term": "spring"}}
    r = npm.run([
        call("query", "students:getCurrentStudent", {}, me),
        call("mutation", "students:updateCurrentStudent", {"startingDate": {"year": 2024, "term": "spring"}}, me),
        call("mutation", "students:upsertCurrentStudent", profile, me),
        call("mutation", "students:upsertCurrentStudent", {**profile, "programs": []}, me),
        call("mutation", "students:updateCurrentStudent", {"programs": [program["_id"]]}, me),
        call("mutation", "students:updateCurrentStudent", {"startingDate": {"year": 2024, "term": "autumn"}}, me),
        call("query", "students:getCurrentStudent", {}, me),
        call("query", "students:getCurrentStudent", {}, other),
        call("mutation", "students:upsertCurrentStudent", {**profile, "userId": "user_student_other"}, me),
    ])
    assert value(r[0]) is None
    error(r[1], "Student not found")
    assert r[1]["data"] == "Student not found"
    assert value(r[2]) == value(r[3]) == value(r[4])
    error(r[5], "ArgumentValidationError")
    student = value(r[6])
    assert student["userId"] == subject and student["school"]["shortName"] == "CAS"
    assert [p["name"] for p in student["programs"]] == ["Computer Science (BA)"]
    assert student["startingDate"] == {"year": 2024, "term": "fall"}
    assert value(r[7]) is None  # another user sees only their own (absent) profile
    error(r[8], "extra field `userId`")  # the owner is always the caller, never an argument


def test_student_invites(npm):
    me, other = npm.token("user_invite_a"), npm.token("user_invite_b")
    r = npm.run([
        call("query", "studentInvites:getCurrentUserInvite", {}, me),
        call("mutation", "studentInvites:createInvite", {"name": "Ada", "email": "ada@nyu.edu"}, me),
        call("mutation", "studentInvites:createInvite", {"name": "Ada", "email": "ada@nyu.edu"}, me),
        call("query", "studentInvites:getCurrentUserInvite", {}, me),
        call("query", "studentInvites:getCurrentUserInvite", {}, other),
        call("mutation", "studentInvites:createInvite", {"name": "Bob", "email": "bob@nyu.edu"}, other),
    ])
    assert value(r[0]) is None and isinstance(value(r[1]), str)
    assert r[2]["data"] == "Invite already exists for this user"
    assert value(r[3])["email"] == "ada@nyu.edu" and value(r[3])["userId"] == "user_invite_a"
    assert value(r[4]) is None and isinstance(value(r[5]), str)


def test_user_courses(npm):
    me, other = npm.token("user_uc"), npm.token("user_uc_other")
    r = npm.run([
        call("mutation", "userCourses:createUserCourse",
             {"courseCode": "CSCI-UA 101", "title": "Intro", "year": 2025, "term": "fall", "grade": "a"}, me),
        call("mutation", "userCourses:createUserCourse",
             {"courseCode": "CSCI-UA 101", "title": "Intro", "year": 2025, "term": "fall"}, me),
        call("mutation", "userCourses:createUserCourse",
             {"courseCode": "ZZNOPE-UA 9", "title": "Unknown", "year": 2026, "term": "spring"}, me),
        call("query", "userCourses:getUserCourses", {}, me),
        call("query", "userCourses:getUserCourses", {}, other),
        call("mutation", "userCourses:updateUserCourse", {"id": "$0", "grade": "b+"}, other),
        call("mutation", "userCourses:deleteUserCourse", {"id": "$0"}, other),
        call("mutation", "userCourses:updateUserCourse", {"id": "$0", "grade": "b+", "term": "spring"}, me),
        call("mutation", "userCourses:updateUserCourse", {"id": "$0", "courseCode": "MATH-UA 1"}, me),
        call("mutation", "userCourses:createUserCourse",
             {"courseCode": "CSCI-UA 102", "title": "DS", "year": 2026, "term": "spring", "alternativeOf": "$2"},
             other),
        call("mutation", "userCourses:deleteUserCourse", {"id": "$2"}, me),
        call("query", "userCourses:getUserCourses", {}, me),
    ])
    first = value(r[0])
    assert r[1]["data"] == "CSCI-UA 101 already exists in fall 2025"
    rows = {row["courseCode"]: row for row in value(r[3])}
    assert rows["CSCI-UA 101"]["course"]["code"] == "CSCI-UA 101" and rows["ZZNOPE-UA 9"]["course"] is None
    assert value(r[4]) == []
    error(r[5], "Uncaught Error: User course not found or unauthorized")
    error(r[6], "User course not found or unauthorized")
    assert r[7]["ok"]
    error(r[8], "extra field `courseCode`")
    error(r[9], "User course not found or unauthorized")  # alternativeOf must be one of my own rows
    assert r[10]["ok"]
    final = value(r[11])
    assert [(row["_id"], row["grade"], row["term"]) for row in final] == [(first, "b+", "spring")]


def test_import_user_courses(npm):
    me = npm.token("user_import")
    audit = [{"courseCode": "CSCI-UA 101", "title": "Intro", "year": 2024, "term": "fall", "grade": "a"},
             {"courseCode": "MATH-UA 121", "title": "Calc I", "year": 2024, "term": "fall"},
             {"courseCode": "CSCI-UA 102", "title": "DS", "year": 2025, "term": "spring", "grade": "b"}]
    again = [audit[0], {**audit[1], "grade": "a-"}, {**audit[2], "grade": "c"}]
    r = npm.run([call("mutation", "userCourses:importUserCourses", {"courses": audit}, me),
                 call("mutation", "userCourses:importUserCourses", {"courses": again}, me),
                 call("query", "userCourses:getUserCourses", {}, me)])
    first, second = value(r[0]), value(r[1])
    assert (first["inserted"], first["updated"], first["duplicates"], len(first["ids"])) == (3, 0, 0, 3)
    assert (second["inserted"], second["updated"], second["duplicates"]) == (0, 1, 2)
    grades = {row["courseCode"]: row.get("grade") for row in value(r[2])}
    assert grades == {"CSCI-UA 101": "a", "MATH-UA 121": "a-", "CSCI-UA 102": "b"}  # a grade is never overwritten


def _conflicting_pair():
    lectures = [o for o in spring_lectures() if o.get("startTime")]
    for a in lectures:
        for b in lectures:
            if a["courseCode"] != b["courseCode"] and set(a["days"]) & set(b["days"]) and \
                    a["startTime"] < b["endTime"] and b["startTime"] < a["endTime"]:
                return a, b
    raise AssertionError("no conflicting sections in the seed data")


def test_user_course_offerings(npm):
    me, other = npm.token("user_cart"), npm.token("user_cart_other")
    a, b = _conflicting_pair()
    async_section = next(o for o in spring_lectures() if not o.get("startTime"))
    r = npm.run([
        call("mutation", "userCourseOfferings:addUserCourseOffering", {"classNumber": a["classNumber"]}, me),  # 0
        call("mutation", "userCourseOfferings:addUserCourseOffering", {"classNumber": a["classNumber"]}, me),  # 1
        call("mutation", "userCourseOfferings:addUserCourseOffering", {"classNumber": 1}, me),  # 2
        call("mutation", "userCourseOfferings:addUserCourseOffering", {"classNumber": b["classNumber"]}, me),  # 3
        call("mutation", "userCourseOfferings:addUserCourseOffering",
             {"classNumber": b["classNumber"], "alternativeOf": "$0"}, me),  # 4
        call("mutation", "userCourseOfferings:addUserCourseOffering",
             {"classNumber": async_section["classNumber"]}, me),  # 5: no times, never conflicts
        call("query", "userCourseOfferings:getScheduleCourseOfferings", {}, me),  # 6
        call("query", "userCourseOfferings:getAlternativeCourses", {"userCourseOfferingId": "$0"}, me),  # 7
        call("query", "userCourseOfferings:getUserCourseOfferings", {}, other),  # 8
        call("mutation", "userCourseOfferings:swapWithAlternative", {"alternativeId": "$4"}, other),  # 9
        call("mutation", "userCourseOfferings:removeUserCourseOffering", {"id": "$0"}, other),  # 10
        call("mutation", "userCourseOfferings:updateUserCourseOffering",
             {"id": "$0", "classNumber": b["classNumber"]}, other),  # 11
        call("mutation", "userCourseOfferings:addUserCourseOffering",
             {"classNumber": a["classNumber"], "alternativeOf": "$4"}, other),  # 12
        call("mutation", "userCourseOfferings:swapWithAlternative", {"alternativeId": "$0"}, me),  # 13
        call("mutation", "userCourseOfferings:swapWithAlternative", {"alternativeId": "$4"}, me),  # 14
        call("query", "userCourseOfferings:getScheduleCourseOfferings", {}, me),  # 15
        call("query", "userCourseOfferings:getAlternativeCourses", {"userCourseOfferingId": "$4"}, me),  # 16
        call("mutation", "userCourseOfferings:removeUserCourseOffering", {"id": "$4"}, me),  # 17
        call("query", "userCourseOfferings:getUserCourseOfferings", {}, me),  # 18
        call("query", "userCourseOfferings:getCourseOfferingsByClassNumbers",
             {"classNumbers": [a["classNumber"], 1]}, me),  # 19
        call("mutation", "userCourseOfferings:updateUserCourseOffering",
             {"id": "$0", "classNumber": b["classNumber"]}, me),  # 20
        call("query", "userCourseOfferings:getUserCourseOfferings", {}, me),  # 21
    ])
    main_id = value(r[0])
    assert r[1]["data"] == "Course offering already added to user schedule"
    assert r[2]["data"] == "Course offering not found"
    assert r[3]["data"] == {"type": "TIME_CONFLICT", "conflictingClassNumbers": [a["classNumber"]]}
    alt_id = value(r[4])
    assert isinstance(value(r[5]), str)
    assert sorted(row["classNumber"] for row in value(r[6])) == sorted([a["classNumber"],
                                                                         async_section["classNumber"]])
    assert [row["courseOffering"]["classNumber"] for row in value(r[7])] == [b["classNumber"]]
    assert value(r[8]) == []
    assert r[9]["data"] == "Alternative course not found or unauthorized"
    for result in r[10:13]:
        error(result, "User course offering not found or unauthorized")
    assert r[13]["data"] == "This course is not an alternative of another course"
    assert r[14]["ok"]
    assert sorted(row["classNumber"] for row in value(r[15])) == sorted([b["classNumber"],
                                                                          async_section["classNumber"]])
    assert [row["_id"] for row in value(r[16])] == [main_id]
    assert r[17]["ok"]
    rows = {row["_id"]: row for row in value(r[18])}
    assert alt_id not in rows and "alternativeOf" not in rows[main_id]  # dependants are detached
    offerings = value(r[19])
    assert offerings[0]["classNumber"] == a["classNumber"] and offerings[0]["term"] == "spring" \
        and offerings[1] is None
    assert r[20]["ok"]
    assert {row["_id"]: row["classNumber"] for row in value(r[21])}[main_id] == b["classNumber"]


def test_force_add_skips_the_conflict_check(npm):
    a, b = _conflicting_pair()
    me = npm.token("user_force")
    r = npm.run([
        call("mutation", "userCourseOfferings:addUserCourseOffering", {"classNumber": a["classNumber"]}, me),
        call("mutation", "userCourseOfferings:addUserCourseOffering",
             {"classNumber": b["classNumber"], "forceAdd": True}, me),
        call("query", "userCourseOfferings:getScheduleCourseOfferings", {}, me),
    ])
    assert r[0]["ok"] and r[1]["ok"] and len(value(r[2])) == 2
