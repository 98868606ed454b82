"""Consistency checks on the bundled AlbertPlus sample data set (``seed/``) and the synthetic generator.

A developer who runs ``albertplus seed`` relies on this data being internally consistent: every name and code
it references must resolve (seedAll silently skips unknown ones), every value must pass the Convex schema
(spec §1), sections must be schedulable (unique class numbers per term, recitations that fit around their
lecture), and the committed files must be exactly what the generator produces, so nobody hand-edits them
out of sync.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from albertplus_cli.seed.dataset import SEED_TABLE_ORDER, SeedDataError, load_bundled_dataset
from albertplus_cli.seed.synthetic import SYNTHETIC_CLASS_NUMBER_START, synthetic_dataset

REPO_ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = REPO_ROOT / "seed"
GENERATOR_PATH = REPO_ROOT / "scripts" / "generate_seed_data.py"

Row = dict[str, Any]
Data = dict[str, list[Row]]

# --- enums, straight from spec §1 --------------------------------------------------------------------------

SCHOOL_NAMES = frozenset({
    "College of Arts and Science", "Graduate School of Arts and Science", "College of Dentistry",
    "Gallatin School of Individualized Study", "Leonard N. Stern School of Business", "Liberal Studies",
    "NYU Abu Dhabi", "NYU Shanghai", "NYU Grossman School of Medicine",
    "NYU Grossman Long Island School of Medicine", "Robert F. Wagner Graduate School of Public Service",
    "Rory Meyers College of Nursing", "School of Global Public Health", "School of Law",
    "School of Professional Studies", "Silver School of Social Work",
    "Steinhardt School of Culture, Education, and Human Development", "Tandon School of Engineering",
    "Tisch School of the Arts", "Non-School Based Programs - UG",
})
LEVELS = frozenset({"undergraduate", "graduate"})
TERMS = frozenset({"spring", "summer", "fall", "j-term"})
DAYS = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"})
STATUSES = frozenset({"open", "closed", "waitlist"})
GRADES = frozenset({"a", "a-", "b+", "b", "b-", "c+", "c", "c-", "d+", "d", "p", "f", "w"})
REQ_TYPES = frozenset({"required", "alternative", "options"})
TERM_ORDER = {"j-term": 0, "spring": 1, "summer": 2, "fall": 3}
SUFFIX_SCHOOL = {  # spec §4.4, the suffixes the data uses
    "UA": "College of Arts and Science", "GA": "Graduate School of Arts and Science",
    "UG": "Gallatin School of Individualized Study", "UB": "Leonard N. Stern School of Business",
    "GB": "Leonard N. Stern School of Business",
    "UE": "Steinhardt School of Culture, Education, and Human Development",
    "GE": "Steinhardt School of Culture, Education, and Human Development",
    "UN": "Rory Meyers College of Nursing", "GN": "Rory Meyers College of Nursing",
    "UT": "Tisch School of the Arts", "GT": "Tisch School of the Arts",
    "UY": "Tandon School of Engineering", "GY": "Tandon School of Engineering",
    "GU": "School of Global Public Health", "GP": "Robert F. Wagner Graduate School of Public Service",
    "LW": "School of Law",
}
HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
CURRENT, NEXT = ("fall", 2026), ("spring", 2027)

# --- field validators (seedAll's argument shape, spec §4.2) ------------------------------------------------

Check = Callable[[Any], bool]


def is_str(v: Any) -> bool:
    return isinstance(v, str)


def is_num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def is_bool(v: Any) -> bool:
    return isinstance(v, bool)


def one_of(values: frozenset[str]) -> Check:
    return lambda v: v in values


def list_of(check: Check) -> Check:
    return lambda v: isinstance(v, list) and all(check(x) for x in v)


def semester(v: Any) -> bool:
    return isinstance(v, dict) and set(v) == {"year", "term"} and is_int(v["year"]) and v["term"] in TERMS


def course_level_obj(v: Any) -> bool:
    return isinstance(v, dict) and set(v) == {"program", "level"} and is_str(v["program"]) and is_num(v["level"])


# table -> {field: (required, check)}
SCHEMAS: dict[str, dict[str, tuple[bool, Check]]] = {
    "appConfigs": {"key": (True, is_str), "value": (True, is_str)},
    "schools": {"name": (True, one_of(SCHOOL_NAMES)), "shortName": (True, is_str),
                "level": (True, one_of(LEVELS))},
    "programs": {"name": (True, is_str), "level": (True, one_of(LEVELS)), "school": (True, one_of(SCHOOL_NAMES)),
                 "programUrl": (True, lambda v: is_str(v) and v.startswith("https://"))},
    "courses": {"code": (True, is_str), "program": (True, is_str), "programName": (True, is_str),
                "level": (True, one_of(LEVELS)), "title": (True, is_str), "credits": (True, is_num),
                "school": (True, one_of(SCHOOL_NAMES)), "description": (True, is_str),
                "courseUrl": (True, lambda v: is_str(v) and v.startswith("https://"))},
    "prerequisites": {"courseCode": (True, is_str), "type": (True, one_of(REQ_TYPES)),
                      "courses": (True, list_of(is_str)), "creditsRequired": (False, is_num)},
    "requirements": {"programName": (True, is_str), "isMajor": (True, is_bool), "description": (False, is_str),
                     "type": (True, one_of(REQ_TYPES)), "courses": (True, list_of(is_str)),
                     "courseLevels": (False, list_of(course_level_obj)), "creditsRequired": (False, is_num)},
    "courseOfferings": {
        "courseCode": (True, is_str), "classNumber": (True, is_int), "title": (False, is_str),
        "section": (True, is_str), "description": (False, is_str), "year": (True, is_int),
        "term": (True, one_of(TERMS)), "level": (True, one_of(LEVELS)), "school": (True, one_of(SCHOOL_NAMES)),
        "instructors": (True, list_of(is_str)), "location": (False, is_str), "days": (True, list_of(one_of(DAYS))),
        "startTime": (False, lambda v: is_str(v) and bool(HHMM.match(v))),
        "endTime": (False, lambda v: is_str(v) and bool(HHMM.match(v))),
        "status": (True, one_of(STATUSES)), "waitlistNum": (False, is_num), "isCorequisite": (True, is_bool),
        "corequisiteOf": (False, is_int),
    },
    "students": {"userId": (True, is_str), "programs": (True, list_of(is_str)),
                 "school": (True, one_of(SCHOOL_NAMES)), "schoolLevel": (True, one_of(LEVELS)),
                 "startingDate": (True, semester), "expectedGraduationDate": (True, semester)},
    "userCourses": {"userId": (True, is_str), "courseCode": (True, is_str), "title": (True, is_str),
                    "year": (True, is_int), "term": (True, one_of(TERMS)), "grade": (False, one_of(GRADES))},
    "userCourseOfferings": {"userId": (True, is_str), "classNumber": (True, is_int)},
}


def shape_errors(table: str, rows: Iterable[Row]) -> list[str]:
    """Every schema violation in ``rows`` (unknown field, missing field, bad type/enum, variant mismatch)."""
    schema = SCHEMAS[table]
    errors: list[str] = []
    for i, row in enumerate(rows):
        where = f"{table}[{i}]"
        for key in row.keys() - schema.keys():
            errors.append(f"{where}: unknown field {key!r}")
        for key, (required, check) in schema.items():
            if key not in row:
                if required:
                    errors.append(f"{where}: missing {key!r}")
            elif not check(row[key]):
                errors.append(f"{where}: bad {key}={row[key]!r}")
        if table in ("prerequisites", "requirements"):
            options_only = {"creditsRequired"} | ({"courseLevels"} if table == "requirements" else set())
            has = options_only & row.keys()
            if row.get("type") == "options" and has != options_only:
                errors.append(f"{where}: options row lacks {sorted(options_only - has)}")
            if row.get("type") != "options" and has:
                errors.append(f"{where}: {row.get('type')} row carries {sorted(has)}")
        if table == "courseOfferings":
            if ("startTime" in row) != ("endTime" in row):
                errors.append(f"{where}: startTime and endTime must come together")
            if (row.get("status") == "waitlist") != ("waitlistNum" in row):
                errors.append(f"{where}: waitlistNum must be present exactly for waitlisted sections")
            if row.get("isCorequisite") != ("corequisiteOf" in row):
                errors.append(f"{where}: corequisiteOf must be present exactly for corequisite sections")
    return errors


# --- helpers -----------------------------------------------------------------------------------------------


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate_seed_data", GENERATOR_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["generate_seed_data"] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


def minutes(hhmm: str) -> int:
    return int(hhmm[:2]) * 60 + int(hhmm[3:])


def overlap(a: Row, b: Row) -> bool:
    if "startTime" not in a or "startTime" not in b or not set(a["days"]) & set(b["days"]):
        return False
    return minutes(a["startTime"]) < minutes(b["endTime"]) and minutes(b["startTime"]) < minutes(a["endTime"])


def term_key(row: Row) -> tuple[str, int]:
    return row["term"], row["year"]


@pytest.fixture(scope="module")
def data() -> Data:
    loaded = load_bundled_dataset(REPO_ROOT)
    assert loaded, f"no seed data found in {SEED_DIR}; run scripts/generate_seed_data.py"
    return loaded


@pytest.fixture(scope="module")
def courses_by_code(data: Data) -> dict[str, Row]:
    return {c["code"]: c for c in data["courses"]}


# --- files, counts, shapes ---------------------------------------------------------------------------------


def test_every_table_has_a_file_and_the_readme_says_sample(data: Data) -> None:
    assert set(data) == set(SEED_TABLE_ORDER)
    readme = (SEED_DIR / "README.md").read_text(encoding="utf-8")
    assert "SAMPLE" in readme and "not NYU's live catalog" in readme
    assert "generate_seed_data.py" in readme


def test_total_size_stays_small() -> None:
    total = sum(p.stat().st_size for p in SEED_DIR.iterdir())
    assert total < 3 * 1024 * 1024, f"seed/ is {total} bytes"


def test_counts_meet_the_minimums(data: Data) -> None:
    assert len(data["schools"]) >= 30
    assert len(data["programs"]) >= 12
    assert len(data["courses"]) >= 400
    assert len({c["program"] for c in data["courses"]}) >= 15
    main_terms = [o for o in data["courseOfferings"] if term_key(o) in (CURRENT, NEXT)]
    assert len(main_terms) >= 1000
    assert {term_key(o) for o in main_terms} == {CURRENT, NEXT}
    assert len({p["school"] for p in data["programs"]}) >= 5
    assert 20 <= len(data["userCourses"]) <= 30
    assert len(data["students"]) == 1


@pytest.mark.parametrize("table", SEED_TABLE_ORDER)
def test_rows_match_seedall_shape_and_enums(data: Data, table: str) -> None:
    assert shape_errors(table, data[table]) == []


def test_app_configs_describe_fall_2026(data: Data) -> None:
    assert {r["key"]: r["value"] for r in data["appConfigs"]} == {
        "current_term": "fall", "current_year": "2026", "next_term": "spring", "next_year": "2027",
        "is_scrape_current": "false", "is_scrape_next": "false",
    }


def test_schools_cover_every_school_name_once_per_level(data: Data) -> None:
    keys = [(s["name"], s["level"]) for s in data["schools"]]
    assert len(keys) == len(set(keys))
    assert {s["name"] for s in data["schools"]} == SCHOOL_NAMES
    both = {name for name, level in keys if level == "graduate"} & {n for n, lvl in keys if lvl == "undergraduate"}
    assert len(both) >= 10  # undergraduate and graduate variants where they exist


# --- referential integrity ---------------------------------------------------------------------------------


def test_program_and_course_schools_exist_at_their_level(data: Data) -> None:
    schools = {(s["name"], s["level"]) for s in data["schools"]}
    names = [p["name"] for p in data["programs"]]
    assert len(names) == len(set(names)), "program names are the join key and must be unique"
    for row in data["programs"] + data["courses"]:
        assert (row["school"], row["level"]) in schools, row


def test_courses_are_unique_and_follow_their_code(data: Data) -> None:
    codes = [c["code"] for c in data["courses"]]
    assert len(codes) == len(set(codes))
    for course in data["courses"]:
        prefix, number = course["code"].rsplit(" ", 1)
        suffix = prefix.split("-")[1]
        assert number.isdigit() and course["program"] == prefix
        assert course["school"] == SUFFIX_SCHOOL[suffix], course["code"]
        assert course["level"] == ("undergraduate" if suffix.startswith("U") else "graduate"), course["code"]
        assert course["courseUrl"] == f"https://bulletins.nyu.edu/courses/{prefix.lower().replace('-', '_')}/"
        assert course["description"].strip() and course["title"].strip()
    assert Counter(c["credits"] for c in data["courses"]).most_common(1)[0][0] == 4


def test_requirements_reference_existing_programs_and_courses(data: Data, courses_by_code: dict[str, Row]) -> None:
    programs = {p["name"] for p in data["programs"]}
    subjects = {c["program"] for c in data["courses"]}
    for req in data["requirements"]:
        assert req["programName"] in programs
        assert all(code in courses_by_code for code in req["courses"]), req
        for level in req.get("courseLevels", []):
            assert level["program"] in subjects
            assert any(c["program"] == level["program"] and level["level"] <= int(c["code"].rsplit(" ", 1)[1])
                       < level["level"] + 100 for c in data["courses"]), level
    assert {r["programName"] for r in data["requirements"]} == programs


def test_requirement_types_all_present_including_a_400_level_option(data: Data) -> None:
    by_program: dict[str, set[str]] = defaultdict(set)
    for req in data["requirements"]:
        by_program[req["programName"]].add(req["type"])
    assert all(types == REQ_TYPES for types in by_program.values()), by_program
    level_400 = [r for r in data["requirements"] if r["type"] == "options"
                 and {"program": "CSCI-UA", "level": 400} in r["courseLevels"]]
    assert level_400 and all(r["creditsRequired"] > 0 for r in level_400)


def test_prerequisites_reference_existing_courses(data: Data, courses_by_code: dict[str, Row]) -> None:
    for prereq in data["prerequisites"]:
        assert prereq["courseCode"] in courses_by_code
        assert prereq["courses"] and all(code in courses_by_code for code in prereq["courses"]), prereq
        assert prereq["courseCode"] not in prereq["courses"]
        if prereq["type"] == "options":
            available = sum(courses_by_code[c]["credits"] for c in prereq["courses"])
            assert 0 < prereq["creditsRequired"] <= available, prereq


def test_prerequisite_types_all_present_and_graph_acyclic(data: Data) -> None:
    assert {p["type"] for p in data["prerequisites"]} == REQ_TYPES
    graph: dict[str, set[str]] = defaultdict(set)
    for prereq in data["prerequisites"]:
        graph[prereq["courseCode"]].update(prereq["courses"])
        for dep in prereq["courses"]:  # within a subject, prerequisites are lower-numbered
            if dep.rsplit(" ", 1)[0] == prereq["courseCode"].rsplit(" ", 1)[0]:
                assert int(dep.rsplit(" ", 1)[1]) < int(prereq["courseCode"].rsplit(" ", 1)[1]), prereq
    indegree = {node: 0 for node in graph}
    for deps in graph.values():
        for dep in deps:
            indegree.setdefault(dep, 0)
    for deps in graph.values():
        for dep in deps:
            indegree[dep] += 1
    ready = [n for n, d in indegree.items() if d == 0]
    seen = 0
    while ready:
        node = ready.pop()
        seen += 1
        for dep in graph.get(node, ()):
            indegree[dep] -= 1
            if indegree[dep] == 0:
                ready.append(dep)
    assert seen == len(indegree), "prerequisite graph has a cycle"


# --- sections ----------------------------------------------------------------------------------------------


def test_offerings_match_their_course(data: Data, courses_by_code: dict[str, Row]) -> None:
    for o in data["courseOfferings"]:
        course = courses_by_code[o["courseCode"]]
        assert (o["title"], o["level"], o["school"]) == (course["title"], course["level"], course["school"])
        assert 1 <= len(o["instructors"]) <= 2
        assert bool(o["days"]) == ("startTime" in o), o
        if "startTime" in o:
            assert minutes(o["startTime"]) < minutes(o["endTime"])
            assert "location" in o


def test_class_numbers_unique_per_term_and_a_few_reused_across_terms(data: Data) -> None:
    per_term: dict[tuple[str, int], list[int]] = defaultdict(list)
    for o in data["courseOfferings"]:
        per_term[term_key(o)].append(o["classNumber"])
        assert 10000 <= o["classNumber"] <= 99999
    for key, numbers in per_term.items():
        assert len(numbers) == len(set(numbers)), f"duplicate classNumber in {key}"
    reused = set(per_term[CURRENT]) & set(per_term[NEXT])
    assert 1 <= len(reused) <= 20, "a handful of classNumbers should deliberately repeat across terms"


def test_sections_are_numbered_per_course_and_term(data: Data) -> None:
    labels: dict[tuple[str, str, int], list[str]] = defaultdict(list)
    for o in data["courseOfferings"]:
        labels[(o["courseCode"], o["term"], o["year"])].append(o["section"])
        assert re.fullmatch(r"\d{3}|[RL]\d{2}", o["section"]), o["section"]
    for key, sections in labels.items():
        assert len(sections) == len(set(sections)), key
        lectures = sorted(s for s in sections if s.isdigit())
        assert lectures == [f"{i:03d}" for i in range(1, len(lectures) + 1)], key


def test_corequisites_have_a_parent_in_the_same_term_and_do_not_overlap_it(data: Data) -> None:
    index = {(o["classNumber"], o["term"], o["year"]): o for o in data["courseOfferings"]}
    coreqs = [o for o in data["courseOfferings"] if o["isCorequisite"]]
    assert len(coreqs) >= 50
    for child in coreqs:
        parent = index.get((child["corequisiteOf"], child["term"], child["year"]))
        assert parent is not None, f"corequisite {child['classNumber']} has no parent in its term"
        assert not parent["isCorequisite"] and parent["courseCode"] == child["courseCode"]
        assert child["section"][0] in "RL"
        assert "startTime" in child and not overlap(child, parent), (child, parent)


def test_statuses_and_online_sections_present(data: Data) -> None:
    offerings = data["courseOfferings"]
    assert {o["status"] for o in offerings} == STATUSES
    assert all(1 <= o["waitlistNum"] <= 50 for o in offerings if o["status"] == "waitlist")
    assert any("startTime" not in o for o in offerings), "expected some async sections without times"
    assert any(term_key(o) == ("summer", 2026) for o in offerings)
    assert any(term_key(o) == ("j-term", 2027) for o in offerings)


def test_no_room_or_instructor_is_double_booked(data: Data) -> None:
    booked: dict[tuple[str, int, str], list[Row]] = defaultdict(list)
    for o in data["courseOfferings"]:
        if "startTime" not in o:
            continue
        resources = list(o["instructors"])
        if o.get("location") != "Online":
            resources.append(o["location"])
        for resource in resources:
            for other in booked[(o["term"], o["year"], resource)]:
                assert not overlap(o, other), (resource, o["classNumber"], other["classNumber"])
            booked[(o["term"], o["year"], resource)].append(o)


# --- the demo student --------------------------------------------------------------------------------------


def test_demo_student_references_resolve(data: Data, courses_by_code: dict[str, Row]) -> None:
    (student,) = data["students"]
    assert student["userId"] == "user_demo"
    assert set(student["programs"]) <= {p["name"] for p in data["programs"]}
    assert (student["school"], student["schoolLevel"]) in {(s["name"], s["level"]) for s in data["schools"]}
    assert all(r["userId"] == "user_demo" for r in data["userCourses"] + data["userCourseOfferings"])
    for row in data["userCourses"]:
        assert row["title"] == courses_by_code[row["courseCode"]]["title"]


def test_demo_history_is_graded_in_the_past_and_ungraded_now(data: Data) -> None:
    fall_2026 = {o["courseCode"] for o in data["courseOfferings"] if term_key(o) == CURRENT}
    for row in data["userCourses"]:
        when = (row["year"], TERM_ORDER[row["term"]])
        if when < (2026, TERM_ORDER["fall"]):
            assert "grade" in row, row
            assert when >= (2023, TERM_ORDER["fall"])
        else:
            assert term_key(row) == CURRENT and "grade" not in row, row
            assert row["courseCode"] in fall_2026
    keys = [(r["courseCode"], r["year"], r["term"]) for r in data["userCourses"]]
    assert len(keys) == len(set(keys)), "userCourses upsert key (user, code, year, term) must be unique"


def test_demo_history_and_cart_satisfy_prerequisites(data: Data, courses_by_code: dict[str, Row]) -> None:
    prereqs: dict[str, list[Row]] = defaultdict(list)
    for p in data["prerequisites"]:
        prereqs[p["courseCode"]].append(p)
    next_term = {o["classNumber"]: o for o in data["courseOfferings"] if term_key(o) == NEXT}
    planned = [(NEXT[1], TERM_ORDER[NEXT[0]], next_term[c["classNumber"]]["courseCode"])
               for c in data["userCourseOfferings"]]
    taken = [(r["year"], TERM_ORDER[r["term"]], r["courseCode"]) for r in data["userCourses"]
             if r.get("grade") != "w"]
    for when, code in [((y, t), c) for y, t, c in taken + planned]:
        before = {c for y, t, c in taken if (y, t) < when}
        for p in prereqs[code]:
            if p["type"] == "required":
                assert set(p["courses"]) <= before, (code, p)
            elif p["type"] == "alternative":
                assert set(p["courses"]) & before, (code, p)
            else:
                earned = sum(courses_by_code[c]["credits"] for c in p["courses"] if c in before)
                assert earned >= p["creditsRequired"], (code, p)


def test_demo_cart_is_next_term_and_conflict_free(data: Data) -> None:
    next_term = {o["classNumber"]: o for o in data["courseOfferings"] if term_key(o) == NEXT}
    current = {o["classNumber"] for o in data["courseOfferings"] if term_key(o) == CURRENT}
    cart = [next_term[r["classNumber"]] for r in data["userCourseOfferings"]]
    assert len(cart) >= 3
    assert not {o["classNumber"] for o in cart} & current, "cart should not rely on ambiguous classNumbers"
    for i, a in enumerate(cart):
        for b in cart[i + 1:]:
            assert not overlap(a, b), (a["classNumber"], b["classNumber"])
    for child in (o for o in cart if o["isCorequisite"]):
        assert child["corequisiteOf"] in {o["classNumber"] for o in cart}


# --- generator determinism ---------------------------------------------------------------------------------


def test_generator_is_deterministic_and_matches_committed_files(tmp_path: Path) -> None:
    generator = load_generator()
    first, second = tmp_path / "a", tmp_path / "b"
    generator.write_dataset(first)
    generator.write_dataset(second)
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    assert names == sorted(p.name for p in SEED_DIR.iterdir()), "seed/ has stray or missing files"
    for name in names:
        content = (first / name).read_bytes()
        assert content == (second / name).read_bytes(), f"{name} differs between two runs"
        assert content == (SEED_DIR / name).read_bytes(), (
            f"seed/{name} is stale; run .venv/bin/python scripts/generate_seed_data.py")
    assert generator.main(["--check", "--out", str(first)]) == 0


def test_generator_output_is_stably_sorted(data: Data) -> None:
    for table, key in (("courses", "code"), ("programs", "name")):
        values = [r[key] for r in data[table]]
        if table == "courses":
            ordered = sorted(values, key=lambda c: (c.rsplit(" ", 1)[0], int(c.rsplit(" ", 1)[1])))
        else:
            ordered = sorted(values)
        assert values == ordered, table
    for name in SEED_TABLE_ORDER:
        text = (SEED_DIR / f"{name}.json").read_text(encoding="utf-8")
        assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"


# --- synthetic data ----------------------------------------------------------------------------------------


def test_synthetic_dataset_is_deterministic_and_prefix_stable() -> None:
    assert synthetic_dataset(50, seed=7) == synthetic_dataset(50, seed=7)
    assert synthetic_dataset(50, seed=7) != synthetic_dataset(50, seed=8)
    small, large = synthetic_dataset(30), synthetic_dataset(60)
    assert large["courses"][:30] == small["courses"]
    assert large["courseOfferings"][: len(small["courseOfferings"])] == small["courseOfferings"]
    assert synthetic_dataset(0) == {"courses": [], "courseOfferings": []}


def test_synthetic_rows_are_valid_and_do_not_collide_with_bundled_data(data: Data) -> None:
    synthetic = synthetic_dataset(2000, seed=42)
    assert len(synthetic["courses"]) == 2000
    assert len(synthetic["courseOfferings"]) == 8000
    assert shape_errors("courses", synthetic["courses"]) == []
    assert shape_errors("courseOfferings", synthetic["courseOfferings"]) == []
    codes = [c["code"] for c in synthetic["courses"]]
    assert len(codes) == len(set(codes))
    assert not set(codes) & {c["code"] for c in data["courses"]}
    assert {o["courseCode"] for o in synthetic["courseOfferings"]} == set(codes)
    numbers = [o["classNumber"] for o in synthetic["courseOfferings"]]
    assert len(numbers) == len(set(numbers)) and min(numbers) == SYNTHETIC_CLASS_NUMBER_START
    assert not set(numbers) & {o["classNumber"] for o in data["courseOfferings"]}
    assert {term_key(o) for o in synthetic["courseOfferings"]} == {CURRENT, NEXT}
    schools = {(s["name"], s["level"]) for s in data["schools"]}
    assert all((c["school"], c["level"]) in schools for c in synthetic["courses"])


# --- loader ------------------------------------------------------------------------------------------------


def test_loader_returns_empty_without_a_seed_dir(tmp_path: Path) -> None:
    assert load_bundled_dataset(tmp_path) == {}


def test_loader_names_the_file_on_bad_json(tmp_path: Path) -> None:
    (tmp_path / "seed").mkdir()
    (tmp_path / "seed" / "courses.json").write_text('[{"code": "X 1"},\n  oops]', encoding="utf-8")
    with pytest.raises(SeedDataError, match=r"courses\.json: invalid JSON at line 2"):
        load_bundled_dataset(tmp_path)


def test_loader_rejects_non_array_files(tmp_path: Path) -> None:
    (tmp_path / "seed").mkdir()
    (tmp_path / "seed" / "schools.json").write_text('{"name": "CAS"}', encoding="utf-8")
    with pytest.raises(SeedDataError, match=r"schools\.json: expected a JSON array"):
        load_bundled_dataset(tmp_path)
    (tmp_path / "seed" / "schools.json").write_text('[1]', encoding="utf-8")
    with pytest.raises(SeedDataError, match=r"schools\.json: item 0"):
        load_bundled_dataset(tmp_path)
