"""Settings for dluan, read from the environment (see README, "Configuration")."""

import datetime
from pathlib import Path

from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from dluan.env import (
    env_bool,
    env_database,
    env_email,
    env_int,
    env_list,
    env_redis_url,
    env_str,
    env_weights,
    load_dotenv,
)
from dluan.jobs import beat_schedule
from dluan.replica import replica_database

BASE_DIR = Path(__file__).resolve().parent.parent
# A local .env (written by `make run` for development) fills unset variables.
load_dotenv(BASE_DIR / ".env")

DEBUG = env_bool("DEBUG", False)
_DEV_SECRET = "dluan-insecure-development-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET if DEBUG else "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

if not DEBUG:
    if not SECRET_KEY or SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a random string of at least 32 characters "
            "when DEBUG is off."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "auditlog",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rest_framework",
    "drf_spectacular",
    "dluan",
    "collaborators",
    "reports",
    "meetings",
    "surveys",
    "summaries",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside all that may write: read-your-writes (dluan/replica.py).
    "dluan.replica.ReplicaMiddleware",
    # The Content-Security-Policy header (and request.csp_nonce for templates).
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The account's language, else the one chosen at sign-in, else Vietnamese:
    # never the browser's Accept-Language (it replaces Django's LocaleMiddleware).
    "dluan.auth.LanguageMiddleware",
    # The phone's outbox: JSON for its sends (401, 403), no half multipart body.
    "dluan.outbox.OutboxMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "dluan.auth.SessionTimeoutMiddleware",
    "dluan.auth.AccountGateMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "dluan.audit.AccessAuditMiddleware",
    "dluan.db.QueryTimeoutMiddleware",
    "dluan.pdf.RenderErrorMiddleware",
    # Last, as axes asks: it turns a lockout signalled by the backend into a page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dluan.urls"
WSGI_APPLICATION = "dluan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dluan.context_processors.navigation",
            ],
        },
    },
]

# SQLite serves a small board's concurrent users: WAL lets readers go on while one
# request writes; every transaction takes the write lock when it begins
# (IMMEDIATE), so two writers queue for up to SQLITE_BUSY_TIMEOUT instead of one
# failing with "database is locked" when it upgrades a read to a write.
SQLITE_BUSY_TIMEOUT = 30
DATABASES = {
    "default": env_database(
        "DATABASE_URL",
        {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {
                "timeout": SQLITE_BUSY_TIMEOUT,
                "transaction_mode": "IMMEDIATE",
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT * 1000}; "
                    "PRAGMA foreign_keys=ON"
                ),
            },
        },
    )
}
# A read replica (dluan/replica.py). Block owned by the replica work.
# DATABASE_REPLICA_URL: a PostgreSQL hot standby (unset: none), left out for
# REPLICA_RETRY seconds when down or more than REPLICA_MAX_LAG seconds behind.
REPLICA_MAX_LAG = env_int("REPLICA_MAX_LAG", 10)
REPLICA_RETRY = env_int("REPLICA_RETRY", 30)
if _replica := replica_database("DATABASE_REPLICA_URL", DATABASES["default"]):
    DATABASES["replica"] = _replica
    DATABASE_ROUTERS = ["dluan.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Covering indexes carry extra columns on PostgreSQL (INCLUDE); SQLite, the
# small-board default, builds the same indexes without them.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
# Web requests may not hold the database longer than this (PostgreSQL; 0: no limit).
# Keep it below the web server's own worker timeout (gunicorn's --timeout, 30 s).
DATABASE_STATEMENT_TIMEOUT_MS = env_int("DATABASE_STATEMENT_TIMEOUT", 10) * 1000
if DATABASE_STATEMENT_TIMEOUT_MS < 0:
    raise ImproperlyConfigured("DATABASE_STATEMENT_TIMEOUT must be 0 or more seconds.")

AUTH_USER_MODEL = "dluan.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Axes first: it refuses a locked-out person before any password is checked. Then
# sign-in by username, e-mail or phone, with a password or a one-time code.
AUTHENTICATION_BACKENDS = [
    # axes' AxesStandaloneBackend, letting Django's test client.login() through.
    "dluan.auth.LockoutBackend",
    "dluan.auth.IdentifierBackend",
]
# NIST SP 800-63B: length rather than composition rules, common passwords
# refused, no forced mix of digits and symbols; up to 128 characters, so long
# passphrases (Vietnamese with diacritics too) are welcome.
PASSWORD_MIN_LENGTH = env_int("PASSWORD_MIN_LENGTH", 8)
PASSWORD_MAX_LENGTH = 128
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "full_name", "email", "phone")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {
        "NAME": "dluan.auth.MaximumLengthValidator",
        "OPTIONS": {"max_length": PASSWORD_MAX_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Password reset links last an hour; one address or one e-mail may ask this many
# times an hour (the answer is the same either way).
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 60 * 60)
PASSWORD_RESET_LIMIT = env_int("PASSWORD_RESET_LIMIT", 5)

# Lockout (django-axes): after AXES_FAILURE_LIMIT failed sign-ins for one account
# from one address, that pair waits AXES_COOLOFF_MINUTES; staff can lift it.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_MINUTES = env_int("AXES_COOLOFF_MINUTES", 30)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Typed e-mail or phone counts against the account it names.
AXES_USERNAME_CALLABLE = "dluan.auth.axes_username"
AXES_LOCKOUT_CALLABLE = "dluan.auth.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token", "token", "code"]
# Behind a proxy (BEHIND_PROXY), the client's address is the one the nearest of
# PROXY_COUNT proxies appended to X-Forwarded-For (what a client writes there
# itself is ignored); without one, REMOTE_ADDR. The lockout and the audit trail
# both read it (dluan.auth.client_ip).
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
PROXY_COUNT = env_int("PROXY_COUNT", 1)
if PROXY_COUNT < 1:
    raise ImproperlyConfigured("PROXY_COUNT must be 1 or more.")
AXES_CLIENT_IP_CALLABLE = "dluan.auth.client_ip"

# Two-factor sign-in (django-otp): required of administrators and board staff
# when OTP_REQUIRED (on in production, off under DEBUG so the demo logins sign
# in in one step); optional for leaders and collaborators.
OTP_REQUIRED = env_bool("OTP_REQUIRED", not DEBUG)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "dluan")
OTP_RECOVERY_CODES = 10

# Sessions end after SESSION_IDLE_TIMEOUT minutes without a request and, in any
# case, SESSION_ABSOLUTE_TIMEOUT minutes after signing in.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 30) * 60
SESSION_ABSOLUTE_TIMEOUT = env_int("SESSION_ABSOLUTE_TIMEOUT", 12 * 60) * 60
if SESSION_IDLE_TIMEOUT <= 0 or SESSION_ABSOLUTE_TIMEOUT <= 0:
    raise ImproperlyConfigured(
        "SESSION_IDLE_TIMEOUT and SESSION_ABSOLUTE_TIMEOUT must be positive minutes."
    )
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Language, time and formats: Vietnamese by default, English available.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["dluan.formats"]
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Uploads live outside the static root and are served only through views that check access.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
# Uploads (dluan/uploads.py): a photo's pixels, read from its header before it is
# decoded; a report's files; and a request's whole body, refused as it arrives
# (before a byte is read when its Content-Length says so) by the first handler.
UPLOAD_MAX_IMAGE_PIXELS = env_int("UPLOAD_MAX_IMAGE_PIXELS", 25_000_000)
REPORT_MAX_ATTACHMENTS = env_int("REPORT_MAX_ATTACHMENTS", 10)
UPLOAD_MAX_REQUEST_BYTES = env_int("UPLOAD_MAX_REQUEST_BYTES", 30 * 1024 * 1024)
if min(UPLOAD_MAX_BYTES, UPLOAD_MAX_IMAGE_PIXELS, REPORT_MAX_ATTACHMENTS) <= 0:
    raise ImproperlyConfigured(
        "UPLOAD_MAX_BYTES, UPLOAD_MAX_IMAGE_PIXELS and REPORT_MAX_ATTACHMENTS must be "
        "1 or more."
    )
if UPLOAD_MAX_REQUEST_BYTES < UPLOAD_MAX_BYTES:
    raise ImproperlyConfigured(
        "UPLOAD_MAX_REQUEST_BYTES must be at least UPLOAD_MAX_BYTES, or no file of "
        "the largest accepted size could be sent."
    )
FILE_UPLOAD_HANDLERS = [
    "dluan.uploads.RequestSizeLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Roster import (collaborators/spreadsheets.py): what reading one workbook may
# cost; the read stops, with a message naming the limit, as soon as one is passed.
# Rows and cells count those holding a value (a roster of 5,000 with its title
# block and signature fits); a shared string counts once for each cell showing it.
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 5100)
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 60)
IMPORT_MAX_CELLS = env_int("IMPORT_MAX_CELLS", 150_000)
IMPORT_MAX_CELL_CHARS = env_int("IMPORT_MAX_CELL_CHARS", 2000)
IMPORT_MAX_CHARS = env_int("IMPORT_MAX_CHARS", 3_000_000)
# Hours an uploaded roster waits for its import before the daily job removes it.
IMPORT_DRAFT_HOURS = env_int("IMPORT_DRAFT_HOURS", 24)
for _name in (
    "IMPORT_MAX_ROWS",
    "IMPORT_MAX_COLUMNS",
    "IMPORT_MAX_CELLS",
    "IMPORT_MAX_CELL_CHARS",
    "IMPORT_MAX_CHARS",
    "IMPORT_DRAFT_HOURS",
):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be at least 1.")
del _name

# The cache: Redis when configured, so that what it holds is shared by every web
# process (the public survey link's rate limit, cached survey results, home
# figures); else each process's memory, enough for `make run`'s one process.
_CACHE_URL = env_redis_url("CACHE_URL") or env_redis_url("REDIS_URL")
if _CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _CACHE_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "dluan"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Celery: with no broker configured, tasks run inline in the web process.
_BROKER = env_redis_url("CELERY_BROKER_URL") or env_redis_url("REDIS_URL")
CELERY_TASK_ALWAYS_EAGER = not _BROKER
# Inline tasks still pass through a producer: an in-memory one connects nowhere.
CELERY_BROKER_URL = _BROKER or "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    # A request that queues a job must not wait for a broker that is gone: what
    # cannot be sent is kept (dluan.queue) and sent again by the beat.
    "max_retries": 0,
    "socket_connect_timeout": 2,
    "socket_timeout": 2,  # above the worker's 1 s BRPOP poll
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_TIME_LIMIT = 30 * 60  # below the visibility timeout
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# Two queues, so long work never holds up what people wait for. One worker each in
# production (deploy/systemd); a worker started without -Q takes both. Every task
# of our apps is named (dluan/tests/test_queues.py); dluan/queue.py's sweep sends
# kept jobs by name, so they are routed alike.
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = {"default": {}, "heavy": {}}
_QUEUES = {
    # Minutes of CPU over a unit's data, waited for by nobody to the second: a
    # summary's figures, workbook, PDF and Word file (and the brief re-rendered),
    # raking a survey, a bulk review, a year's scores, every unit's discipline,
    # every report's town checked.
    "heavy": "summaries.tasks.summary_compile summaries.tasks.summary_render"
    " surveys.tasks.survey_weigh_task surveys.tasks.responses_review_bulk_task"
    " collaborators.tasks.scores_refresh reports.tasks.discipline_refresh"
    " reports.tasks.report_towns_sync",
    # E-mails and sign-in links, reminders, early warnings (worth most on the
    # day), the sweep of kept jobs, and quick bookkeeping (queuing due compiles,
    # periods and briefings ahead, overdue flags, stale roster uploads).
    "default": "dluan.tasks.send_notification_emails dluan.tasks.unsent_tasks_send"
    " reports.tasks.reminders_send reports.tasks.missing_digest_send"
    " reports.tasks.warnings_raise summaries.tasks.summaries_compile_due"
    " reports.tasks.periods_ensure_ahead reports.tasks.followups_flag_overdue"
    " meetings.tasks.meetings_ensure_periodic"
    " collaborators.tasks.import_drafts_purge",
}
CELERY_TASK_ROUTES = {
    task: {"queue": queue} for queue, tasks in _QUEUES.items() for task in tasks.split()
}
# Seconds a home page's costly counts are kept per unit (dluan/figures.py); 0: never
# (the default with DEBUG, so the demo's figures follow every click).
HOME_FIGURES_SECONDS = env_int("HOME_FIGURES_SECONDS", 0 if DEBUG else 30)
# Worker processes (and compile_summary) run at this niceness (0-19; 0 leaves
# it): on a machine shared with the web, pages come before jobs.
WORKER_NICE = env_int("WORKER_NICE", 10)
if not 0 <= WORKER_NICE <= 19:
    raise ImproperlyConfigured("WORKER_NICE must be between 0 and 19.")
# The daily jobs (dluan/jobs.py, which `manage.py daily_jobs` runs too), and the
# sweep for jobs the broker could not take while it was down (dluan/queue.py).
CELERY_BEAT_SCHEDULE = {
    **beat_schedule(),
    "dluan-unsent-tasks": {
        "task": "dluan.tasks.unsent_tasks_send",
        "schedule": 60.0,
    },
}
# Reporting periods: months per period (aligned to the calendar) and days between
# the deadline and the period's end.
REPORTING_PERIOD_MONTHS = env_int("REPORTING_PERIOD_MONTHS", 2)
REPORTING_DEADLINE_DAYS_BEFORE_END = env_int("REPORTING_DEADLINE_DAYS_BEFORE_END", 5)
# Reporting discipline: a collaborator appointed fewer days than this before a
# period's deadline is not yet expected to file that period's report.
DISCIPLINE_GRACE_DAYS = env_int("DISCIPLINE_GRACE_DAYS", 14)
# Emulation scores: points out of 100 for each part (collaborators/scoring.py
# states the rules), e.g. SCORE_WEIGHTS="reporting=30,on_time=20,quality=20,
# urgent=10,meetings=10,training=5,regulation=5"; urgent reports accepted count up
# to SCORE_URGENT_CAP; the commendation list names the COMMENDATION_SIZE first.
SCORE_WEIGHTS = env_weights(
    "SCORE_WEIGHTS",
    {
        "reporting": 30,
        "on_time": 20,
        "quality": 20,
        "urgent": 10,
        "meetings": 10,
        "training": 5,
        "regulation": 5,
    },
)
SCORE_URGENT_CAP = env_int("SCORE_URGENT_CAP", 5)
COMMENDATION_SIZE = env_int("COMMENDATION_SIZE", 10)
# Reminders to collaborators who have not filed: days before the deadline, days after.
REMINDER_DAYS_BEFORE_DEADLINE = env_int("REMINDER_DAYS_BEFORE_DEADLINE", 3)
REMINDER_DAYS_AFTER_DEADLINE = env_int("REMINDER_DAYS_AFTER_DEADLINE", 1)
# Early warnings (reports/services/warnings.py states each rule). Ratios and the
# similarity are read as whole percentages: WARNING_VOLUME_RATIO_PERCENT=200 is 2.0.
WARNING_BASELINE_PERIODS = env_int("WARNING_BASELINE_PERIODS", 3)
WARNING_VOLUME_RATIO = env_int("WARNING_VOLUME_RATIO_PERCENT", 200) / 100
WARNING_MIN_REPORTS = env_int("WARNING_MIN_REPORTS", 5)
WARNING_NEGATIVE_SHARE_POINTS = env_int("WARNING_NEGATIVE_SHARE_POINTS", 20)
WARNING_SPREAD_COMMUNES = env_int("WARNING_SPREAD_COMMUNES", 3)
WARNING_SPREAD_DAYS = env_int("WARNING_SPREAD_DAYS", 7)
WARNING_SILENT_PERIODS = env_int("WARNING_SILENT_PERIODS", 2)
WARNING_URGENT_HOURS = env_int("WARNING_URGENT_HOURS", 24)
WARNING_URGENT_LOOKBACK_DAYS = env_int("WARNING_URGENT_LOOKBACK_DAYS", 30)
WARNING_SIMILARITY = env_int("WARNING_SIMILARITY_PERCENT", 50) / 100
WARNING_SIMILAR_CANDIDATES = env_int("WARNING_SIMILAR_CANDIDATES", 300)

# The periodic summary (summaries/): an issue open longer than this lingers; each
# list of top issues holds this many; the compile job's time limits (seconds) stay
# below the broker's visibility timeout; a job silent for its limit plus the grace
# is shown as failed, with a way to retry.
SUMMARY_LINGERING_DAYS = env_int("SUMMARY_LINGERING_DAYS", 60)
SUMMARY_TOP_ISSUES = env_int("SUMMARY_TOP_ISSUES", 10)
SUMMARY_COMPILE_TIME_LIMIT = env_int("SUMMARY_COMPILE_TIME_LIMIT", 20 * 60)
SUMMARY_STALL_GRACE = env_int("SUMMARY_STALL_GRACE", 5 * 60)

# A survey's public link (surveys/public.py): answers posted per address and
# survey in a window of seconds (counted in the cache, so shared by every web
# process when Redis is configured), the least seconds between a form's making
# and its posting (bots are quicker), and how long a form stays good.
SURVEY_PUBLIC_RATE_LIMIT = env_int("SURVEY_PUBLIC_RATE_LIMIT", 30)
SURVEY_PUBLIC_RATE_WINDOW = env_int("SURVEY_PUBLIC_RATE_WINDOW", 600)
SURVEY_PUBLIC_MIN_SECONDS = env_int("SURVEY_PUBLIC_MIN_SECONDS", 3)
SURVEY_PUBLIC_TOKEN_HOURS = env_int("SURVEY_PUBLIC_TOKEN_HOURS", 12)

# PDFs (WeasyPrint) render in a child process held to these limits: the longest
# HTML (characters), the seconds (below gunicorn's 30 s, so a page gets the
# message rather than a killed worker; a province's brief takes about 3 s) and
# the memory (MB). Past them the reader is told the document is too large.
PDF_MAX_HTML_CHARS = env_int("PDF_MAX_HTML_CHARS", 8_000_000)
PDF_RENDER_TIME_LIMIT = env_int("PDF_RENDER_TIME_LIMIT", 25)
PDF_RENDER_MEMORY_MB = env_int("PDF_RENDER_MEMORY_MB", 1024)
if min(PDF_MAX_HTML_CHARS, PDF_RENDER_TIME_LIMIT, PDF_RENDER_MEMORY_MB) <= 0:
    raise ImproperlyConfigured(
        "PDF_MAX_HTML_CHARS, PDF_RENDER_TIME_LIMIT and PDF_RENDER_MEMORY_MB must be "
        "positive."
    )

# Sign-in given from the roster: a printed one-time code lasts this many days.
SIGNIN_CODE_DAYS = env_int("SIGNIN_CODE_DAYS", 7)
# The e-mailed link to choose a first password lasts this many days from its
# sending (it is read on a phone, often days later); a reset link keeps
# PASSWORD_RESET_TIMEOUT.
SIGNIN_LINK_DAYS = env_int("SIGNIN_LINK_DAYS", 3)
if SIGNIN_CODE_DAYS < 1 or SIGNIN_LINK_DAYS < 1:
    raise ImproperlyConfigured(
        "SIGNIN_CODE_DAYS and SIGNIN_LINK_DAYS must be 1 or more."
    )

# E-mail: EMAIL_URL, or the individual EMAIL_* variables.
# The console backend prints messages (set-password links among them) to the log:
# for development only. Without DEBUG, mail goes to EMAIL_HOST by SMTP.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
globals().update(env_email("EMAIL_URL"))
# Seconds a mail server may keep us waiting: one that accepts the connection and
# never answers fails the send (the job retries later) instead of holding a
# worker until the task's time limit.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "dluan <no-reply@localhost>")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# Security headers and cookies. dluan runs behind a TLS-terminating proxy (gunicorn
# serves plain HTTP on 127.0.0.1): the proxy redirects http:// to https://, and
# Django does too when SECURE_SSL_REDIRECT is on.
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# A load balancer's health probe may come over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Browsers keep to HTTPS for SECURE_HSTS_SECONDS (a year unless set; 0 turns HSTS
# off; sent on HTTPS answers only); SECURE_HSTS_PRELOAD=1 adds the preload
# directive, for a domain whose owner submits it to the browsers' preload list
# (hstspreload.org; hard to undo).
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600)
if SECURE_HSTS_SECONDS < 0:
    raise ImproperlyConfigured("SECURE_HSTS_SECONDS must be 0 or more seconds.")
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Cookies go over HTTPS only unless DEBUG is on (SECURE_COOKIES=0 for a plain-HTTP
# test server); no script reads them (htmx takes the CSRF token from the page).
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# check --deploy: the proxy redirects to HTTPS (README), so Django need not
# (security.W008); preloading HSTS is the domain owner's decision (security.W021).
if not SECURE_SSL_REDIRECT:
    SILENCED_SYSTEM_CHECKS += ["security.W008"]
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS += ["security.W021"]

# Content-Security-Policy (django-csp), the same with and without DEBUG: scripts,
# styles and images from dluan only, no inline script or style attribute, no eval
# (htmx's allowEval is off, base.html). Templates put {{ request.csp_nonce }} on
# their <script> tags; data for scripts goes through json_script (not executed).
# Images: data: URIs for the SVG icons in Bootstrap's CSS (select arrows, ticks).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        # The offline app's service worker and manifest (dluan/offline.py).
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

AUDITLOG_INCLUDE_ALL_MODELS = False

# The read-only API under /api/v1/ (dluan/api/; the framework's settings in
# dluan/api/conf.py).
# A personal key's last day: API_TOKEN_DEFAULT_DAYS ahead unless its owner picks
# one, at most API_TOKEN_MAX_DAYS. Calls per key (per person for a session).
API_TOKEN_DEFAULT_DAYS = env_int("API_TOKEN_DEFAULT_DAYS", 90)
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 365)
API_RATE_LIMIT = env_str("API_RATE_LIMIT", "600/min")
_calls, _slash, _per = API_RATE_LIMIT.partition("/")
if not (_calls.isdecimal() and _per in {"s", "sec", "min", "hour", "day"}):
    raise ImproperlyConfigured('API_RATE_LIMIT must look like "600/min".')
from dluan.api.conf import REST_FRAMEWORK, SPECTACULAR_SETTINGS  # noqa: E402, F401

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Inline tasks would log a line each into the web server's console.
    "loggers": {
        "celery.app.trace": {"level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO"}
    },
}
