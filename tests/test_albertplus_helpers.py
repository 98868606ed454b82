"""Pure helpers of the AlbertPlus functions (no server): time conflicts, term preference, the HTTP body
schemas and `normalizeCourseLevel`, composite cursors, and the shared validators against schema.py."""

from __future__ import annotations

import pytest
from server_process import REPO

from albertplus_cli.functions.loader import load_project


@pytest.fixture(scope="module")
def project():
    return load_project(REPO)


@pytest.fixture(scope="module")
def modules(project):
    return project.modules


def test_schema_py_tables_are_the_shared_validators(project, modules):
    validators = modules["helpers/validators"]
    schema = project.schema
    assert schema is not None
    names = {"appConfigs": "app_configs", "programs": "programs", "requirements": "requirement",
             "courses": "courses", "prerequisites": "prerequisite", "courseOfferings": "course_offerings",
             "userCourses": "user_courses", "userCourseOfferings": "user_course_offerings",
             "students": "students", "schools": "schools", "studentInvites": "student_invites"}
    assert set(names) == set(schema.tables)
    for table, attr in names.items():
        # The very objects the functions validate their arguments with: one definition, nothing to keep equal.
        assert schema.tables[table].validator is getattr(validators, attr), table


def test_time_conflicts(modules):
    tc = modules["helpers/time_conflicts"]
    new = {"classNumber": 1, "days": ["monday", "wednesday"], "startTime": "11:00", "endTime": "12:15"}
    existing = [
        {"classNumber": 2, "days": ["wednesday"], "startTime": "12:00", "endTime": "13:00"},  # overlaps
        {"classNumber": 3, "days": ["monday"], "startTime": "12:15", "endTime": "13:30"},  # touches: no conflict
        {"classNumber": 4, "days": ["tuesday"], "startTime": "11:00", "endTime": "12:15"},  # other day
        {"classNumber": 5, "days": ["monday"]},  # no times (online async)
        {"classNumber": 6, "days": ["monday"], "startTime": "09:00", "endTime": "11:01"},  # overlaps by a minute
    ]
    assert tc.find_time_conflicts(new, existing) == [2, 6]


def test_normalize_course_level(modules):
    normalize = modules["helpers/http_schemas"].normalize_course_level
    assert normalize("graduate", "CSCI-UA") == "graduate"
    assert normalize(101, "CSCI-UA") == "undergraduate"
    assert normalize(9223, "CSCI-UA") == "undergraduate"  # a U suffix wins over the number
    assert normalize(101, "cs-gy") == "graduate"  # graduate program codes, case-insensitive
    assert normalize(101, "HRCM1-GC") == "graduate"
    assert normalize(499, "FOO-XX") == "undergraduate"
    assert normalize(500, "FOO-XX") == "graduate"


def test_zod_like_parsing(modules):
    schemas, z = modules["helpers/http_schemas"], modules["helpers/zod"]
    ok, data = z.safe_parse(schemas.UPSERT_PROGRAM_WITH_REQUIREMENTS, {
        "name": "P", "level": "undergraduate", "school": "College of Arts and Science", "programUrl": "u",
        "extra": "dropped",
        "requirements": [{"type": "options", "isMajor": True, "courses": [], "creditsRequired": 8,
                          "courseLevels": [{"program": "CSCI-UA", "level": "400"}]}],
    })
    assert ok and "extra" not in data
    assert data["requirements"][0]["courseLevels"][0]["level"] == 400  # z.coerce.number()
    ok, issues = z.safe_parse(schemas.UPSERT_COURSE_WITH_PREREQUISITES, {
        "program": "CSCI-UA", "programName": "CS", "code": 7, "level": "freshman", "title": "T", "credits": 4.5,
        "description": "d", "courseUrl": "u", "school": "Hogwarts", "prerequisites": [{"type": "maybe"}],
    })
    assert not ok
    by_path = {tuple(issue["path"]): issue for issue in issues}
    assert by_path[("code",)]["code"] == "invalid_type" and by_path[("code",)]["expected"] == "string"
    assert by_path[("level",)]["code"] == "invalid_union"
    assert by_path[("credits",)]["expected"] == "int"
    assert by_path[("school",)]["code"] == "invalid_value"
    assert by_path[("prerequisites", 0, "type")]["note"] == "No matching discriminator"
    ok, data = z.safe_parse(schemas.UPSERT_COURSE_OFFERINGS, [{
        "courseCode": "C", "classNumber": 1, "section": "001", "year": 2027, "term": "spring",
        "level": "graduate", "school": "School of Law", "instructors": [], "days": ["friday"], "startTime": "09:00",
        "endTime": "10:00", "status": "open"}])
    assert ok and data[0]["isCorequisite"] is False and "title" not in data[0]


def test_composite_cursor_round_trip_and_rejects_foreign_cursors(modules):
    pagination = modules["helpers/pagination"]
    positions = {"Tandon School of Engineering": 1795.5, "School of Law": "done"}
    assert pagination.decode_cursor(pagination.encode_cursor(positions)) == positions
    assert pagination.decode_cursor(None) == {}
    with pytest.raises(Exception, match="Invalid cursor"):
        pagination.decode_cursor("some-other-query's-cursor")


def test_merged_paginate_keeps_one_position_per_key(modules):
    pagination = modules["helpers/pagination"]
    data = {"a": list(range(5)), "b": list(range(100, 102))}

    def fetch(key, position, limit):
        start = position or 0
        return data[key][start:start + limit], lambda page: start + len(page)

    seen, cursor, pages = [], None, 0
    while True:
        result = pagination.merged_paginate(["a", "b"], fetch, {"numItems": 2, "cursor": cursor})
        seen += result["page"]
        pages += 1
        if result["isDone"]:
            break
        cursor = result["continueCursor"]
    assert sorted(seen) == [0, 1, 2, 3, 4, 100, 101] and pages == 3
