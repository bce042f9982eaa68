"""Test settings: the real settings with test-only overrides."""

import os
import tempfile

os.environ.setdefault("DEBUG", "0")
if not os.environ.get("SECRET_KEY"):  # unset or empty
    os.environ["SECRET_KEY"] = "test-secret-key-" + "x" * 40
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

from dluan.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="dluan-test-media-"))  # noqa: F405
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tasks run inline in tests, unless a test starts a real worker on the broker
# (dluan/tests/test_celery_worker.py does, when REDIS_URL is set).
CELERY_TASK_ALWAYS_EAGER = True
LANGUAGE_CODE = "vi"

# Static files straight from the finders: no collectstatic before the tests.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# No persistent connections: the live server's request threads must not keep a
# session open, or the test database cannot be dropped at the end of the run.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

# One-step sign-in for the suite's form logins; tests of two-factor turn it on.
OTP_REQUIRED = False

# compile_summary, called in-process by tests, would lower the test run's own
# priority; dluan/tests/test_worker_priority.py checks it in a child process.
WORKER_NICE = 0

# Home figures are counted on every request; dluan/tests/test_home_figures.py
# turns keeping them on.
HOME_FIGURES_SECONDS = 0

# Each test process keeps its cache entries apart (xdist workers share Redis, and
# a run must not read the last run's entries).
CACHES["default"]["KEY_PREFIX"] = "dluan-test-" + os.urandom(4).hex()  # noqa: F405
# The broker's tests flush the broker's Redis database: the cache keeps to the one
# below it, so a count the cache holds mid-test (a rate limit) is not wiped.
_cache = CACHES["default"]  # noqa: F405
if "redis" in _cache["BACKEND"] and _cache["LOCATION"] == CELERY_BROKER_URL:  # noqa: F405
    _base, _sep, _db = _cache["LOCATION"].rpartition("/")
    if _db.isdigit():
        _cache["LOCATION"] = f"{_base}/{(int(_db) - 1) % 16}"
if "redis" in _cache["BACKEND"]:
    # clear() empties this process's keys, not the other worker's too.
    _cache["BACKEND"] = "tests.support.cache.ProcessRedisCache"
