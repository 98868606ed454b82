"""`scraper:triggerMajorsScraping` / `triggerCoursesScraping`: admin-only actions that POST to the scraper
worker (`SCRAPER_URL`, here a stand-in on 127.0.0.1) with `X-API-KEY: $CONVEX_API_KEY`."""

from __future__ import annotations

import albertplus_support as support
import pytest
from albertplus_support import API_KEY, Npm, call, error, value
from server_process import REPO, DevServer, copy_project

fake_scraper, seeded_server, npm = support.fake_scraper, support.seeded_server, support.npm  # fixtures
TRIGGERS = [("scraper:triggerMajorsScraping", "/api/programs", "discover-programs", "programs"),
            ("scraper:triggerCoursesScraping", "/api/courses", "discover-courses", "courses")]


@pytest.mark.parametrize(("path", "route", "job_type", "what"), TRIGGERS)
def test_admin_triggers_a_scrape(npm, fake_scraper, path, route, job_type, what):
    admin = npm.token("admin_scraper", admin=True)
    before = len(fake_scraper.requests)
    r = npm.run([call("action", path, {}, admin),
                 call("action", path, {}, npm.token("user_not_admin")),
                 call("action", path, {})])
    result = value(r[0])
    assert result["success"] is True and result["jobType"] == job_type and result["jobId"]
    assert fake_scraper.requests[before:] == [(route, API_KEY)]  # only the admin's call reached the scraper
    error(r[1], "Unauthorized: Admin access required")
    error(r[2], "Not authenticated")


def test_a_refused_trigger_reports_the_scraper_answer(npm, fake_scraper):
    fake_scraper.accepted_key = "another-key"
    try:
        result = npm.one("action", "scraper:triggerCoursesScraping", user="admin_scraper", admin=True)
    finally:
        fake_scraper.accepted_key = API_KEY
    assert not result["ok"]
    assert result["data"].startswith("Failed to trigger courses scraping: 403")
    assert "Invalid API key" in result["data"]


@pytest.mark.parametrize(("env", "missing"), [
    ({"CONVEX_API_KEY": API_KEY}, "SCRAPER_URL"),
    ({"SCRAPER_URL": "http://127.0.0.1:9"}, "CONVEX_API_KEY"),
])
def test_missing_configuration(tmp_path, env, missing, monkeypatch):
    for name in ("SCRAPER_URL", "CONVEX_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    server = DevServer(copy_project(REPO, tmp_path / "project"), env=env).start()
    try:
        result = Npm(server).one("action", "scraper:triggerMajorsScraping", user="admin_x", admin=True)
    finally:
        server.stop()
    assert result["data"] == f"{missing} environment variable is not configured"
