"""Shared by the query-plan tests of both storages (tests/test_storage_query_plans.py for SQLite,
tests/test_postgres_query_plans.py for PostgreSQL): the AlbertPlus schema's indexes, a seed that fills every
table with repeated and missing indexed values, the ids an index range must return computed in Python, and the
equality-prefix check each storage runs with its own way of capturing and judging plans.

What differs between the two is only how a plan is captured (SQLite's trace callback and EXPLAIN QUERY PLAN;
PostgreSQL's auto_explain notices) and what a good plan looks like, so those stay in the test files.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from project_factory import albertplus_schema, read

from albertplus_cli.database import Database, DatabaseReader, DatabaseWriter
from albertplus_cli.values import compare
from albertplus_cli.values.index_keys import field_value

Plans = TypeVar("Plans")

SCHEMA = albertplus_schema()
ALL_INDEXES = [(table, name) for table, t in SCHEMA.tables.items() for name in t.indexes]
INDEX_IDS = [f"{t}.{i}" for t, i in ALL_INDEXES]
TERMS = ["spring", "summer", "fall", "j-term"]
SCHOOL = "College of Arts and Science"
OTHER_SCHOOL = "Tandon School of Engineering"


def seed(d: DatabaseWriter) -> None:
    """A few documents in every table, with repeated and missing values in indexed fields."""
    for i in range(6):
        d.insert("appConfigs", {"key": f"key{i % 3}", "value": str(i)})
    program_ids = [
        d.insert("programs", {"name": f"Program {i % 3}", "level": "undergraduate",
                              "school": SCHOOL if i % 2 else OTHER_SCHOOL, "programUrl": "u"})
        for i in range(6)
    ]
    school_ids = [
        d.insert("schools", {"name": SCHOOL if i % 2 else OTHER_SCHOOL, "shortName": f"S{i}",
                             "level": "graduate" if i % 3 else "undergraduate"})
        for i in range(6)
    ]
    for i in range(6):
        d.insert("requirements", {"programId": program_ids[i % 2], "isMajor": True, "type": "required",
                                  "courses": ["CSCI-UA 101"]})
    course_ids = [
        d.insert("courses", {"code": f"CSCI-UA {100 + i % 3}", "program": "CSCI-UA", "programName": "CS",
                             "level": "graduate" if i % 2 else "undergraduate", "title": f"Course {i}",
                             "credits": 4, "school": SCHOOL if i % 3 else OTHER_SCHOOL, "description": "d",
                             "courseUrl": "u"})
        for i in range(6)
    ]
    for i in range(6):
        d.insert("prerequisites", {"courseId": course_ids[i % 2], "type": "options", "courses": ["X"],
                                   "creditsRequired": 4})
    for i in range(12):
        offering: dict[str, Any] = {
            "courseCode": f"CSCI-UA {100 + i % 3}", "classNumber": 10000 + i % 4, "section": f"00{i}",
            "year": 2024 + i % 2, "term": TERMS[i % 4], "level": "undergraduate", "school": SCHOOL,
            "instructors": ["A"], "days": ["monday"], "status": "open", "isCorequisite": i % 3 == 0,
            "title": f"Offering {i}",
        }
        if i % 2:
            offering["corequisiteOf"] = 10000 + i % 4
        d.insert("courseOfferings", offering)
    user_course_ids = []
    for i in range(6):
        user_course_ids.append(d.insert("userCourses", {
            "userId": f"user_{i % 2}", "courseCode": f"CSCI-UA {100 + i % 3}", "title": "t", "year": 2024 + i % 2,
            "term": TERMS[i % 4], "grade": "a",
        }))
    for i in range(6):
        d.insert("userCourseOfferings", {"userId": f"user_{i % 2}", "classNumber": 10000 + i})
    for i in range(4):
        d.insert("students", {"userId": f"user_{i}", "programs": [program_ids[0]], "school": school_ids[0],
                              "startingDate": {"year": 2023, "term": "fall"},
                              "expectedGraduationDate": {"year": 2027, "term": "spring"}})
        d.insert("studentInvites", {"userId": f"user_{i % 2}", "name": "N", "email": "e@x"})


def expected(db: Database, table: str, fields: tuple[str, ...], keep: Callable[[dict[str, Any]], bool],
             descending: bool = False) -> list[str]:
    """The ids the index range should return, computed in Python from a full table read."""
    docs = [doc for doc in read(db, lambda d: d.query(table).collect()) if keep(doc)]

    def key(doc: dict[str, Any]) -> list[Any]:
        return [field_value(doc, f) for f in fields] + [doc["_creationTime"], doc["_id"]]

    docs.sort(key=functools.cmp_to_key(lambda a, b: compare(key(a), key(b))), reverse=descending)
    return [doc["_id"] for doc in docs]


def sample_doc(db: Database, table: str) -> dict[str, Any]:
    docs = read(db, lambda d: d.query(table).collect())
    assert docs
    return docs[len(docs) // 2]


def check_every_equality_prefix(db: Database, table: str, index: str,
                                traced: Callable[[Database, Callable[[DatabaseReader], Any]], tuple[Any, Plans]],
                                assert_plans: Callable[[Plans], None]) -> None:
    """For each prefix of the index's fields, equal to a sample document's values: the query returns exactly the
    ids the index order gives (the sample among them), and `assert_plans` accepts the plans `traced` captured."""
    fields = SCHEMA.tables[table].indexes[index].fields
    target = sample_doc(db, table)
    for n in range(1, len(fields) + 1):
        prefix = fields[:n]

        def build(r: Any, prefix: tuple[str, ...] = prefix) -> Any:
            for f in prefix:
                r = r.eq(f, field_value(target, f))
            return r

        result, plans = traced(db, lambda d, build=build: d.query(table).with_index(index, build).collect())
        want = expected(db, table, fields,
                        lambda doc, prefix=prefix: all(compare(field_value(doc, f), field_value(target, f)) == 0
                                                       for f in prefix))
        assert [doc["_id"] for doc in result] == want
        assert target["_id"] in want
        assert_plans(plans)
