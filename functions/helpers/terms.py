"""Term-aware joins from a class number to its section (fixes the original's classNumber-only join).

`userCourseOfferings` rows store only a `classNumber`, but Albert reuses class numbers across terms (the
bundled data reuses six between fall 2026 and spring 2027), so the original's
`getOneFrom(courseOfferings, "by_class_number", classNumber)` + `.unique()` threw as soon as a number existed
in two terms. The schema has no room for a term, so the join resolves it instead:

1. read every section with that class number (`by_class_number` on its first field: one small range);
2. prefer the registration term, `next_term`/`next_year` from appConfigs (the register page plans it);
3. then the current term, `current_term`/`current_year`;
4. else the most recent term that has the number (an old cart entry still shows what it was).

So a class number always resolves to exactly one section, deterministically, and never throws.
"""

TERM_ORDER = {"j-term": 0, "spring": 1, "summer": 2, "fall": 3}  # order within a calendar year


def config_value(db, key):
    doc = db.query("appConfigs").with_index("by_key", lambda q: q.eq("key", key)).first()
    return None if doc is None else doc["value"]


def _term_pair(db, prefix):
    term, year = config_value(db, f"{prefix}_term"), config_value(db, f"{prefix}_year")
    try:
        return (term, float(year)) if term and year else None
    except ValueError:
        return None


def preferred_terms(db):
    """[(term, year)] to try first: the next (registration) term, then the current one."""
    return [pair for pair in (_term_pair(db, "next"), _term_pair(db, "current")) if pair is not None]


def term_key(offering):
    return (offering["year"], TERM_ORDER.get(offering["term"], -1))


def resolve_offering(db, class_number, preferred=None):
    """The section a user's class number means (see the module docstring), or None if there is none."""
    candidates = (
        db.query("courseOfferings")
        .with_index("by_class_number", lambda q: q.eq("classNumber", class_number))
        .collect()
    )
    if not candidates:
        return None
    for term, year in preferred if preferred is not None else preferred_terms(db):
        for offering in candidates:
            if offering["term"] == term and offering["year"] == year:
                return offering
    return max(candidates, key=term_key)
