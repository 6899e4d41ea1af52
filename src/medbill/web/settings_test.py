"""Settings for the test suite, selected by pytest's configuration (``pyproject.toml``).

The suite runs without configuration: unless ``SECRET_KEY`` is set, the development key is
used (processes the tests start inherit it and these settings). Everything else is
:mod:`medbill.web.settings`, read from the environment as in production, apart from what
keeps the many test users cheap.
"""

from __future__ import annotations

import os

# Before the settings read it; medbill.E002 refuses this key for deployment.
os.environ.setdefault(
    "SECRET_KEY", "medbill-development-only-key-never-use-in-production-0123456789"
)

from medbill.web.settings import *  # noqa: F403

# Fast hashing keeps the many test users cheap.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests sign in with Client.login() and authenticate() without a request; the lockout
# stays on for every request that has one (medbill.web.practice.backends).
LOCKOUT_WITHOUT_REQUEST = True
