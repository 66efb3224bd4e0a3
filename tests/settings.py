"""Settings for the test suite: production settings with test keys and fast hashing."""

import os
import tempfile

os.environ.setdefault("VITRINA_SECRET_KEY", "tests-only-secret-key-" + "x" * 40)
# A fixed Fernet key so that encrypted fixtures are reproducible; never used outside tests.
os.environ.setdefault("VITRINA_TOKEN_KEY", "kVJ0b5Yk3p6m1lUu0vH4n9o8hY2q7c5Zx3a1s2d4f6g=")
os.environ.setdefault("VITRINA_DATA_DIR", tempfile.mkdtemp(prefix="vitrina-tests-"))
os.environ.setdefault("VITRINA_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

from vitrina.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not shared memory: background threads (the embedded scheduler, the live
    # server) then see committed rows and lock like the embedded default does.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}  # noqa: F405

# Background tasks run inline in tests; the tests of the queue path start a real worker.
CELERY_TASK_ALWAYS_EAGER = True
# Tests of the scheduler's publishing must not also start rounds of collection, polls of
# the inbox or refreshes of tokens; the tests of those jobs switch them on.
COLLECT_INTERVAL_MINUTES = 0
INBOX_POLL_SECONDS = 0
TOKEN_REFRESH_MINUTES = 0
