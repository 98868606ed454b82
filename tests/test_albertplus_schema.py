"""The AlbertPlus `schema.py` matches spec/albertplus.md §1: 11 tables, every field, index and search index."""

from __future__ import annotations

from typing import Any

import pytest
from project_factory import albertplus_schema

from albertplus_cli.values import encode_id

SCHOOLS = [
    "College of Arts and Science", "Graduate School of Arts and Science", "College of Dentistry",
    "Gallatin School of Individualized Study", "Leonard N. Stern School of Business", "Liberal Studies",
    "NYU Abu Dhabi", "NYU Shanghai", "NYU Grossman School of Medicine",
    "NYU Grossman Long Island School of Medicine", "Robert F. Wagner Graduate School of Public Service",
    "Rory Meyers College of Nursing", "School of Global Public Health", "School of Law",
    "School of Professional Studies", "Silver School of Social Work",
    "Steinhardt School of Culture, Education, and Human Development", "Tandon School of Engineering",
    "Tisch School of the Arts", "Non-School Based Programs - UG",
]
GRADES = ["a", "a-", "b+", "b", "b-", "c+", "c", "c-", "d+", "d", "p", "f", "w"]
DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def literals(*values: str) -> dict[str, Any]:
    return {"type": "union", "value": [{"type": "literal", "value": x} for x in values]}


STRING = {"type": "string"}
NUMBER = {"type": "number"}
BOOLEAN = {"type": "boolean"}
SCHOOL = literals(*SCHOOLS)
LEVEL = literals("undergraduate", "graduate")
TERM = literals("spring", "summer", "fall", "j-term")


def id_(table: str) -> dict[str, Any]:
    return {"type": "id", "tableName": table}


def array(inner: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "value": inner}


def obj(required: dict[str, Any], optional: dict[str, Any] | None = None) -> dict[str, Any]:
    fields = {k: {"fieldType": t, "optional": False} for k, t in required.items()}
    fields.update({k: {"fieldType": t, "optional": True} for k, t in (optional or {}).items()})
    return {"type": "object", "value": fields}


SEMESTER = obj({"year": NUMBER, "term": TERM})
REQ_BASE = {"programId": id_("programs"), "isMajor": BOOLEAN}

EXPECTED_TYPES: dict[str, dict[str, Any]] = {
    "appConfigs": obj({"key": STRING, "value": STRING}),
    "programs": obj({"name": STRING, "level": LEVEL, "school": SCHOOL, "programUrl": STRING}),
    "requirements": {"type": "union", "value": [
        obj({**REQ_BASE, "type": {"type": "literal", "value": "required"}, "courses": array(STRING)},
            {"description": STRING}),
        obj({**REQ_BASE, "type": {"type": "literal", "value": "alternative"}, "courses": array(STRING)},
            {"description": STRING}),
        obj({**REQ_BASE, "type": {"type": "literal", "value": "options"}, "courses": array(STRING),
             "courseLevels": array(obj({"program": STRING, "level": NUMBER})), "creditsRequired": NUMBER},
            {"description": STRING}),
    ]},
    "courses": obj({
        "code": STRING, "program": STRING, "programName": STRING, "level": LEVEL, "title": STRING,
        "credits": NUMBER, "school": SCHOOL, "description": STRING, "courseUrl": STRING,
    }),
    "prerequisites": {"type": "union", "value": [
        obj({"courseId": id_("courses"), "type": {"type": "literal", "value": "required"}, "courses": array(STRING)}),
        obj({"courseId": id_("courses"), "type": {"type": "literal", "value": "alternative"},
             "courses": array(STRING)}),
        obj({"courseId": id_("courses"), "type": {"type": "literal", "value": "options"}, "courses": array(STRING),
             "creditsRequired": NUMBER}),
    ]},
    "courseOfferings": obj(
        {
            "courseCode": STRING, "classNumber": NUMBER, "section": STRING, "year": NUMBER, "term": TERM,
            "level": LEVEL, "school": SCHOOL, "instructors": array(STRING), "days": array(literals(*DAYS)),
            "status": literals("open", "closed", "waitlist"), "isCorequisite": BOOLEAN,
        },
        {
            "title": STRING, "description": STRING, "location": STRING, "startTime": STRING, "endTime": STRING,
            "waitlistNum": NUMBER, "corequisiteOf": NUMBER,
        },
    ),
    "userCourses": obj(
        {"userId": STRING, "courseCode": STRING, "title": STRING, "year": NUMBER, "term": TERM},
        {"alternativeOf": id_("userCourses"), "grade": literals(*GRADES)},
    ),
    "userCourseOfferings": obj({"userId": STRING, "classNumber": NUMBER},
                               {"alternativeOf": id_("userCourseOfferings")}),
    "students": obj({
        "userId": STRING, "programs": array(id_("programs")), "school": id_("schools"),
        "startingDate": SEMESTER, "expectedGraduationDate": SEMESTER,
    }),
    "schools": obj({"name": SCHOOL, "shortName": STRING, "level": LEVEL}),
    "studentInvites": obj({"userId": STRING, "name": STRING, "email": STRING}),
}

EXPECTED_INDEXES: dict[str, dict[str, tuple[str, ...]]] = {
    "appConfigs": {"by_key": ("key",)},
    "programs": {"by_program_name": ("name",), "by_school": ("school",)},
    "requirements": {"by_program": ("programId",)},
    "courses": {"by_course_code": ("code",), "by_level": ("level",), "by_school_level": ("school", "level")},
    "prerequisites": {"by_course": ("courseId",)},
    "courseOfferings": {
        "by_class_number": ("classNumber", "term", "year"),
        "by_term_year": ("isCorequisite", "term", "year"),
        "by_course_term": ("courseCode", "term", "year"),
        "by_corequisite_of": ("corequisiteOf", "term", "year"),
    },
    "userCourses": {"by_user": ("userId",), "by_user_course_term": ("userId", "courseCode", "year", "term")},
    "userCourseOfferings": {"by_user": ("userId",)},
    "students": {"by_user_id": ("userId",)},
    "schools": {"by_name_level": ("name", "level")},
    "studentInvites": {"by_user_id": ("userId",)},
}

EXPECTED_SEARCH: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = {
    "programs": {"search_name": ("name", ("school",))},
    "courses": {"search_title": ("title", ("level", "school"))},
    "courseOfferings": {
        "search_title": ("title", ("isCorequisite", "term", "year")),
        "search_course_code": ("courseCode", ("isCorequisite", "term", "year")),
    },
}


def _sorted_object_json(data: Any) -> Any:
    """Object field order is irrelevant; union member order is kept."""
    if isinstance(data, dict):
        return {k: _sorted_object_json(data[k]) for k in sorted(data)}
    if isinstance(data, list):
        return [_sorted_object_json(x) for x in data]
    return data


def test_eleven_tables() -> None:
    assert sorted(albertplus_schema().tables) == sorted(EXPECTED_TYPES)
    assert len(EXPECTED_TYPES) == 11


@pytest.mark.parametrize("table", sorted(EXPECTED_TYPES))
def test_table_fields_and_validators(table: str) -> None:
    actual = albertplus_schema().tables[table].validator.to_json()
    assert _sorted_object_json(actual) == _sorted_object_json(EXPECTED_TYPES[table])


@pytest.mark.parametrize("table", sorted(EXPECTED_INDEXES))
def test_table_indexes(table: str) -> None:
    indexes = albertplus_schema().tables[table].indexes
    assert {name: index.fields for name, index in indexes.items()} == EXPECTED_INDEXES[table]


@pytest.mark.parametrize("table", sorted(EXPECTED_TYPES))
def test_table_search_indexes(table: str) -> None:
    search = albertplus_schema().tables[table].search_indexes
    actual = {name: (s.search_field, s.filter_fields) for name, s in search.items()}
    assert actual == EXPECTED_SEARCH.get(table, {})


def test_school_names_order_and_count() -> None:
    school = albertplus_schema().tables["schools"].validator.to_json()["value"]["name"]["fieldType"]
    assert [m["value"] for m in school["value"]] == SCHOOLS
    assert len(SCHOOLS) == 20


def test_students_validator_message_matches_the_spec_example() -> None:
    schema = albertplus_schema()
    student = {
        "userId": "user_1",
        "programs": [],
        "school": encode_id(10010, bytes(16)),
        "startingDate": {"year": 2023, "term": "autumn"},
        "expectedGraduationDate": {"year": 2027, "term": "spring"},
    }
    with pytest.raises(ValueError) as info:
        schema.tables["students"].validator.check(student)
    assert "Path: .startingDate.term" in str(info.value)
    assert 'Value: "autumn"' in str(info.value)
