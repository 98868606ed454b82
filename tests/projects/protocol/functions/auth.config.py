"""Trusts the OIDC issuer a test starts on 127.0.0.1 (its URL comes in TEST_OIDC_DOMAIN; unset: none)."""
import os

providers = [{"domain": os.environ.get("TEST_OIDC_DOMAIN"), "applicationID": "convex"}]
