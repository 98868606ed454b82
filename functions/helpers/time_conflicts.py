"""The original's `helpers/timeConflicts.ts`: do two weekly meeting patterns overlap?"""


def to_minutes(hhmm):
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def overlaps(a, b):
    """Same day and `start1 < end2 and start2 < end1` (touching end-to-start is no conflict)."""
    if not (a.get("startTime") and a.get("endTime") and b.get("startTime") and b.get("endTime")):
        return False
    if not set(a.get("days", [])) & set(b.get("days", [])):
        return False
    start1, end1 = to_minutes(a["startTime"]), to_minutes(a["endTime"])
    start2, end2 = to_minutes(b["startTime"]), to_minutes(b["endTime"])
    return start1 < end2 and start2 < end1


def find_time_conflicts(new_course, existing):
    """Class numbers of the `existing` offerings that meet at the same time as `new_course`."""
    return [course["classNumber"] for course in existing if overlaps(new_course, course)]
