"""Seeding: `clearAll` empties every table, `seedAll` loads data given by name/code (seed/*.json's shape).

Fixes against the original: `clearAll` also clears `studentInvites`; `seedAll` accepts sections without
`startTime`/`endTime` (online asynchronous ones) and with a `description`, as the table does. It is
idempotent: rows are upserted on their natural keys (patched as the original does, and not rewritten when
nothing changes), a course's prerequisites and a program's requirements are replaced (not appended to) when
the data mentions them, and cart rows are not inserted twice. Each table is read once up front (one index
range per table rather than one lookup per row), which keeps the whole bundled data set (~2,600 rows) inside
one mutation's read limits. As in the original, every table's array is a required argument and the result
is `{"success": True, "message": "Database seeded successfully"}`.
"""

from albertplus_cli.server import internal_mutation
from albertplus_cli.values import v
from functions.helpers import validators as V
from functions.prerequisites import insert_prerequisite
from functions.requirements import insert_requirement

CLEAR_ORDER = ("userCourseOfferings", "userCourses", "students", "studentInvites", "courseOfferings",
               "requirements", "prerequisites", "courses", "programs", "schools", "appConfigs")


@internal_mutation(args={})
def clearAll(ctx, args):
    for table in CLEAR_ORDER:
        for doc in ctx.db.query(table).collect():
            ctx.db.delete(doc["_id"])
    return {"success": True, "message": "All tables cleared"}


def _by_name_or_code(variants, key_field):
    """The stored variants, with `courseId`/`programId` replaced by a course code or program name."""
    out = []
    for variant in variants:
        fields = {k: val for k, val in variant.fields.items() if k not in ("courseId", "programId")}
        out.append(v.object({key_field: v.string(), **fields}))
    return v.union(*out)


SEED_ARGS = {
    "appConfigs": v.array(V.app_configs),
    "schools": v.array(V.schools),
    "programs": v.array(V.programs),
    "students": v.array(v.object({
        "userId": v.string(),
        "programs": v.array(v.string()),
        "school": V.school_name,
        "schoolLevel": V.level,
        "startingDate": V.semester,
        "expectedGraduationDate": V.semester,
    })),
    "courses": v.array(V.courses),
    "courseOfferings": v.array(V.course_offerings),
    "prerequisites": v.array(_by_name_or_code(V.prerequisite_variants, "courseCode")),
    "requirements": v.array(_by_name_or_code(V.requirement_variants, "programName")),
    "userCourses": v.array(V.user_courses.omit("alternativeOf")),
    "userCourseOfferings": v.array(v.object({"userId": v.string(), "classNumber": v.number()})),
}


class Table:
    """One table read once, keyed by its natural key; `upsert` inserts, or patches a row that changed."""

    def __init__(self, db, name, key):
        self.db, self.name, self.key = db, name, key
        self.rows = {key(doc): doc for doc in db.query(name).collect()}

    def id_of(self, key):
        doc = self.rows.get(key)
        return None if doc is None else doc["_id"]

    def upsert(self, row):
        key = self.key(row)
        existing = self.rows.get(key)
        if existing is None:
            doc_id = self.db.insert(self.name, row)
            self.rows[key] = {**row, "_id": doc_id}
            return doc_id
        if any(existing.get(field) != value for field, value in row.items()):
            self.db.patch(existing["_id"], row)
            self.rows[key] = {**existing, **row}
        return existing["_id"]


@internal_mutation(args=SEED_ARGS)
def seedAll(ctx, args):
    db = ctx.db
    tables = {
        "appConfigs": Table(db, "appConfigs", lambda r: r["key"]),
        "schools": Table(db, "schools", lambda r: (r["name"], r["level"])),
        "programs": Table(db, "programs", lambda r: r["name"]),
        "courses": Table(db, "courses", lambda r: r["code"]),
        "courseOfferings": Table(db, "courseOfferings", lambda r: (r["classNumber"], r["term"], r["year"])),
    }
    for name, table in tables.items():
        for row in args[name]:
            table.upsert(row)
    _replace_children(db, "prerequisites", args["prerequisites"], "courseCode", "courseId", tables["courses"],
                      insert_prerequisite, "Course not found")
    _replace_children(db, "requirements", args["requirements"], "programName", "programId", tables["programs"],
                      insert_requirement, "Program not found")
    _seed_students(db, args["students"], tables)
    # Patching keeps what the user changed since (an alternativeOf link): only the seeded fields are updated.
    user_courses = Table(db, "userCourses", lambda r: (r["userId"], r["courseCode"], r["year"], r["term"]))
    for row in args["userCourses"]:
        user_courses.upsert(row)
    carts = Table(db, "userCourseOfferings", lambda r: (r["userId"], r["classNumber"]))
    for row in args["userCourseOfferings"]:
        if carts.id_of(carts.key(row)) is None:
            carts.upsert(row)
    return {"success": True, "message": "Database seeded successfully"}


def _replace_children(db, name, rows, key_field, id_field, parents, insert, warning):
    """Insert `rows` under their parent (resolved by name/code), first deleting that parent's old rows."""
    existing = {}
    for doc in db.query(name).collect():
        existing.setdefault(doc[id_field], []).append(doc["_id"])
    cleared = set()
    for row in rows:
        parent = parents.id_of(row[key_field])
        if parent is None:
            print(f"{warning}: {row[key_field]}")
            continue
        if parent not in cleared:
            for old_id in existing.get(parent, []):
                db.delete(old_id)
            cleared.add(parent)
        insert(db, {**{k: val for k, val in row.items() if k != key_field}, id_field: parent})


def _seed_students(db, students, tables):
    table = Table(db, "students", lambda r: r["userId"])
    for student in students:
        school = tables["schools"].id_of((student["school"], student["schoolLevel"]))
        if school is None:
            print(f"School not found: {student['school']} ({student['schoolLevel']})")
            continue
        programs = []
        for name in student["programs"]:
            program = tables["programs"].id_of(name)
            if program is None:
                print(f"Program not found: {name}")
            else:
                programs.append(program)
        table.upsert({"userId": student["userId"], "programs": programs, "school": school,
                      "startingDate": student["startingDate"],
                      "expectedGraduationDate": student["expectedGraduationDate"]})
