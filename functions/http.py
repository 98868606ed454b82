"""HTTP routes on the site port, for the scraper worker (the original's `http.ts` + `apiAction`).

Every route is a POST guarded by the `X-API-KEY` header (must equal env `CONVEX_API_KEY`), parses its JSON
body with the original's schema (400 `{"error": "Invalid request body", "issues": [...]}`), and answers
`{"data": ...}`; a thrown error answers `{"error": message}`, 401 when it is about the API key, else 500.

Fix: an explicit `prerequisites: []` / `requirements: []` now clears the old rows (the original skipped the
delete for an empty list, so a course that lost its prerequisites kept them forever).
"""

from albertplus_cli.server import HttpResponse, HttpRouter, http_action
from functions.helpers import zod as z
from functions.helpers.auth import auth_api_key
from functions.helpers.http_schemas import (
    GET_APP_CONFIG,
    SET_APP_CONFIG,
    UPSERT_COURSE_OFFERINGS,
    UPSERT_COURSE_WITH_PREREQUISITES,
    UPSERT_PROGRAM_WITH_REQUIREMENTS,
    normalize_course_level,
)


def api_action(handler, schema):
    @http_action
    def run(ctx, request):
        try:
            auth_api_key(request.header("X-API-KEY"))
            ok, parsed = z.safe_parse(schema, request.json())
            if not ok:
                return HttpResponse.json({"error": "Invalid request body", "issues": parsed}, status=400)
            return HttpResponse.json(handler(ctx, parsed))
        except Exception as e:  # noqa: BLE001 - every failure is a JSON error body, as in the original
            message = str(e)
            return HttpResponse.json({"error": message}, status=401 if "API key" in message else 500)
    return run


def upsert_course(ctx, body):
    prerequisites = body.pop("prerequisites")
    course = {**body, "level": normalize_course_level(body["level"], body["program"])}
    course_id = ctx.run_mutation("courses:upsertCourseInternal", course)
    ctx.run_mutation("prerequisites:deletePrerequisitesByCourseInternal", {"courseId": course_id})
    if prerequisites:
        ctx.run_mutation("prerequisites:createPrerequisitesInternal",
                         {"prerequisites": [{**p, "courseId": course_id} for p in prerequisites]})
    return {"data": course_id}


def upsert_program(ctx, body):
    requirements = body.pop("requirements")
    program_id = ctx.run_mutation("programs:upsertProgramInternal", body)
    ctx.run_mutation("requirements:deleteRequirementsByProgramInternal", {"programId": program_id})
    if requirements:
        ctx.run_mutation("requirements:createRequirementsInternal",
                         {"requirements": [{**r, "programId": program_id} for r in requirements]})
    return {"data": program_id}


def upsert_course_offerings(ctx, body):
    return {"data": ctx.run_mutation("courseOfferings:upsertCourseOfferingsInternal", {"courseOfferings": body})}


def get_app_config(ctx, body):
    return {"data": ctx.run_query("appConfigs:getAppConfigInternal", body)}


def set_app_config(ctx, body):
    return {"data": ctx.run_mutation("appConfigs:setAppConfigInternal", body)}


http = HttpRouter()
http.route(path="/api/courses/upsert", method="POST",
           handler=api_action(upsert_course, UPSERT_COURSE_WITH_PREREQUISITES))
http.route(path="/api/programs/upsert", method="POST",
           handler=api_action(upsert_program, UPSERT_PROGRAM_WITH_REQUIREMENTS))
http.route(path="/api/courseOfferings/upsert", method="POST",
           handler=api_action(upsert_course_offerings, UPSERT_COURSE_OFFERINGS))
http.route(path="/api/appConfigs/get", method="POST", handler=api_action(get_app_config, GET_APP_CONFIG))
http.route(path="/api/appConfigs/set", method="POST", handler=api_action(set_app_config, SET_APP_CONFIG))
