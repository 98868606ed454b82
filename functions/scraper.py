"""Admin buttons that start a scrape: POST to the scraper worker (`SCRAPER_URL`) with our API key.

The worker answers `{success, jobId, jobType}` and later pushes its results back through the HTTP routes of
`http.py`.
"""

import os

import httpx

from albertplus_cli.server import ConvexError
from functions.helpers.auth import protected_admin_action

TIMEOUT_SECONDS = 30.0


def _trigger(path, what):
    scraper_url = os.environ.get("SCRAPER_URL")
    if not scraper_url:
        raise ConvexError("SCRAPER_URL environment variable is not configured")
    api_key = os.environ.get("CONVEX_API_KEY")
    if not api_key:
        raise ConvexError("CONVEX_API_KEY environment variable is not configured")
    try:
        response = httpx.post(f"{scraper_url}{path}", headers={"X-API-KEY": api_key}, timeout=TIMEOUT_SECONDS)
    except httpx.HTTPError as e:
        raise ConvexError(f"Failed to trigger {what} scraping: {e}") from None
    if not response.is_success:
        raise ConvexError(f"Failed to trigger {what} scraping: {response.status_code} {response.text}")
    return response.json()


@protected_admin_action(args={})
def triggerMajorsScraping(ctx, args):
    return _trigger("/api/programs", "programs")


@protected_admin_action(args={})
def triggerCoursesScraping(ctx, args):
    return _trigger("/api/courses", "courses")
