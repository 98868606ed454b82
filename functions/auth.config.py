"""Auth providers of the AlbertPlus project (the Python twin of Convex's `convex/auth.config.ts`).

AlbertPlus signs users in with Clerk: the web app asks Clerk for a token from its "convex" JWT template
(audience "convex", custom claim `is_admin`), and the backend trusts Clerk's issuer through OIDC discovery
at `$CLERK_JWT_ISSUER_DOMAIN/.well-known/openid-configuration`. When that variable is unset the list is
empty and only the local dev key is trusted.

The server ALWAYS trusts the project's local dev signing key in addition to the providers below (issuer
https://albertplus.dev/local, key in .albertplus/dev_signing_key.pem): tokens from `albertplus token
--subject ID [--claims JSON]` work offline, with no entry here.
"""

import os

providers = [
    provider
    for provider in [
        {"domain": os.environ.get("CLERK_JWT_ISSUER_DOMAIN"), "applicationID": "convex"},
    ]
    if provider["domain"]
]
