"""Settings, read from the environment.

Every value has a default that runs locally with DEBUG on. With DEBUG off the settings are
production settings: they refuse to start without SECRET_KEY and ALLOWED_HOSTS.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue
from psycopg_pool.base import AttemptWithBackoff

from .env import database, env_bool, env_int, env_list, env_rate, env_str, env_url, redis_db

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
# Earlier keys, still accepted for signatures (sessions, links in mails) while a rotated key
# takes over; see docs/operations.md.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if DEBUG:
    SECRET_KEY = SECRET_KEY or "django-insecure-local-development-key-never-used-in-production"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", "testserver"]
elif not SECRET_KEY or not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DEBUG is off, so this is a production configuration: set SECRET_KEY and ALLOWED_HOSTS "
        "(or DEBUG=1 for local development)."
    )

SITE_URL = env_url("SITE_URL", ("https", "http"), "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # modeltranslation patches the admin, so it comes before it.
    "modeltranslation",
    "jobboard.apps.PanelAdminConfig",  # django.contrib.admin with the panel's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django_countries",
    "ninja",  # serves the API docs' assets from static files, not from a CDN
    "axes",
    "csp",
    "postings",
    "accounts",
    "alerts",
]

MIDDLEWARE = [
    # First, so that everything after sees the client's address and scheme, and every log
    # line of the request carries its id.
    "jobboard.observability.TrustedProxyMiddleware",
    "jobboard.observability.RequestIdMiddleware",
    "jobboard.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "jobboard.security.PermissionsPolicyMiddleware",
    # Static files from the image itself (hashed names, compressed copies, immutable caching),
    # so that it serves a complete site without nginx in front.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages, feeds and API answers, compressed here so that the image needs no proxy for it
    # (nginx leaves an answer that is compressed already alone). Below WhiteNoise, whose files
    # come compressed at build time; above whatever reads or writes the body (the ETag of
    # ConditionalGet is the uncompressed body's, made weak here). Against BREACH, Django pads
    # each answer with random bytes, and masks the CSRF token differently each time.
    "django.middleware.gzip.GZipMiddleware",
    # Before anything reads the database (the session): decides whether this request's reads
    # may go to the replica. Not used without DATABASE_REPLICA_URL.
    "jobboard.replica.ReplicaMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # ETags on every GET response, and 304 when the client already has it.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as its documentation asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses logins while a lockout holds
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "jobboard.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "jobboard.wsgi.application"

# PostgreSQL only. `make run` and `make test` start an embedded server and set DATABASE_URL
# when it is unset (see jobboard/localdb.py).
# A database URL's host may be left out: libpq then uses the local socket.
POSTGRES_SCHEMES = ("postgres", "postgresql", "pgsql")
DATABASE_URL = env_url("DATABASE_URL", POSTGRES_SCHEMES, host=False)
if not DATABASE_URL:
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. Use `make run` / `make test`, which start an embedded "
        "PostgreSQL, or point DATABASE_URL at a PostgreSQL server."
    )

# psycopg_pool retries a lost server with delays that double (1, 2, 4, 8 s...), so a process
# could stay down as long again as the outage lasted. Retrying every second costs one connect
# attempt a second per process, and each comes back within a second of the database.
AttemptWithBackoff.DELAY_BACKOFF = 1.0

DATABASES = {"default": database("DATABASE_URL", DATABASE_URL)}
# A streaming replica of the primary for the public pages' reads (jobboard/replica.py); the
# admin, the panel, the workers and the commands stay on the primary.
DATABASE_REPLICA_URL = env_url("DATABASE_REPLICA_URL", POSTGRES_SCHEMES, host=False)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **database("DATABASE_REPLICA_URL", DATABASE_REPLICA_URL),
        # Under the tests, the test database itself: no second one to create and migrate.
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["jobboard.replica.ReplicaRouter"]
# After a client's write, its reads stay on the primary this long (seconds): it sees its own
# writes as long as the replica lags less than that.
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 10)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis serves as Celery broker (the URL's database, 0 by default) and cache (the next one), so
# that two deployments or test runs can share a server on different numbers. Without it, tasks
# run in-process and the cache is local memory. In production the cache is a Redis of its own
# (CACHE_URL): a cache evicts under memory pressure, a broker must not.
REDIS_SCHEMES = ("redis", "rediss")
REDIS_URL = env_url("REDIS_URL", REDIS_SCHEMES).rstrip("/")
CACHE_URL = env_url("CACHE_URL", REDIS_SCHEMES) or (redis_db(REDIS_URL, 1) if REDIS_URL else "")
# The cache is only a cache: a call that Redis does not answer within CACHE_TIMEOUT_MS is a miss,
# and the cache is skipped for CACHE_RETRY_SECONDS after a failure (jobboard/cache.py).
CACHE_TIMEOUT_MS = env_int("CACHE_TIMEOUT_MS", 250)
CACHE_RETRY_SECONDS = env_int("CACHE_RETRY_SECONDS", 5)
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "jobboard.cache.ResilientRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "jobboard",
            "OPTIONS": {
                "socket_connect_timeout": CACHE_TIMEOUT_MS / 1000,
                "socket_timeout": CACHE_TIMEOUT_MS / 1000,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = redis_db(REDIS_URL, 0) if REDIS_URL else "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker's child process grown past this many KiB is replaced once its task ends, so memory
# that an import fragmented goes back to the system; below the import workers' container limit
# (1 GiB in deploy/k8s), so that a child is recycled before the kernel's OOM killer sees it.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", 512 * 1024)
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A broker that is down or frozen is an expected state: a web request that queues a task gives
# up within about two seconds (jobboard.tasks.enqueue then logs and counts it, and the sweeps
# send what the database says is due), instead of holding its thread while Redis hangs.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
# The longest task: a feed import, stopped after this many seconds (soft limit a minute before).
IMPORT_TIME_LIMIT = env_int("IMPORT_TIME_LIMIT", 3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Redis gives a message that a worker took but did not acknowledge (acks_late) to another
    # worker after this long: longer than the longest task, so that a live task is never run
    # twice. An import worker may hold a retry's message (countdown up to 10 minutes) while it
    # runs another import, hence two imports and the longest countdown. A dead worker's import
    # is not left to it: the import sweep resumes it within a minute (IMPORT_HEARTBEAT_TIMEOUT).
    "visibility_timeout": 2 * IMPORT_TIME_LIMIT + 600 + 300,
    "socket_connect_timeout": 2,
    # Above the workers' BRPOP wait (1 s): a frozen Redis fails a publish instead of hanging it.
    "socket_timeout": 2,
}
CELERY_TIMEZONE = "UTC"
# Four queues, each with its own workers, so that a long feed import never holds up a
# confirmation mail, a slow mail server never holds up the sweeps, and alert matching (which
# grows with the alerts and the new postings) never holds up expiry and the import sweep:
# those stay on `default`, short, and run on time.
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = [Queue("default"), Queue("imports"), Queue("mail"), Queue("alerts")]
CELERY_TASK_ROUTES = {
    "alerts.tasks.sweep_alerts": {"queue": "alerts"},
    "postings.tasks.run_import": {"queue": "imports"},
    "postings.tasks.send_posting_mail": {"queue": "mail"},
    "postings.tasks.warn_expiring_postings": {"queue": "mail"},  # sends its mails itself
    "accounts.tasks.send_invitation": {"queue": "mail"},
    "accounts.tasks.send_password_reset": {"queue": "mail"},
    "alerts.tasks.send_confirmation": {"queue": "mail"},
    "alerts.tasks.send_alert_batch": {"queue": "mail"},
}
# Every task has a soft limit (it raises SoftTimeLimitExceeded, and the task ends cleanly:
# sweeps commit in batches and carry on next time) and a hard one (its process is killed), so
# that nothing stuck holds a worker for good. Imports, the long ones, have their own, below
# the broker's visibility timeout (one hour), after which Redis would hand the message out
# again.
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_TASK_ANNOTATIONS = {
    "postings.tasks.run_import": {"soft_time_limit": 3000, "time_limit": 3300},
}
# The workers log through LOGGING below (JSON in production), not Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE = {
    "warn-expiring-postings": {
        "task": "postings.tasks.warn_expiring_postings",
        "schedule": 3600,
    },
    "alerts-instant": {
        "task": "alerts.tasks.sweep_alerts",
        "args": ["instant"],
        "schedule": env_int("ALERT_INSTANT_SECONDS", 300),
    },
    # Digests leave in the European morning, the weekly one on Mondays.
    "alerts-daily": {
        "task": "alerts.tasks.sweep_alerts",
        "args": ["daily"],
        "schedule": crontab(minute=0, hour=6),
    },
    "alerts-weekly": {
        "task": "alerts.tasks.sweep_alerts",
        "args": ["weekly"],
        "schedule": crontab(minute=30, hour=6, day_of_week="monday"),
    },
    # Feed files kept from import forms with an error that never came back.
    "sweep-kept-feeds": {
        "task": "postings.tasks.sweep_kept_feeds",
        "schedule": 3600,
    },
    # Texts that searches found common, their matches kept (postings.common_searches).
    "fill-common-searches": {
        "task": "postings.tasks.fill_common_searches",
        "schedule": env_int("COMMON_SEARCH_SWEEP_SECONDS", 60),
    },
    "expire-postings": {
        "task": "postings.tasks.expire_postings",
        # Frequent, so that few postings wait between their expiry and the sweep: the facet
        # counts subtract those one by one.
        "schedule": env_int("EXPIRE_SWEEP_SECONDS", 60),
    },
    # Feeds due by their schedule, runs that no message carries (the broker was down when they
    # were queued) and runs whose worker died: every few seconds, so no lost work waits long.
    "import-due-sources": {
        "task": "postings.tasks.import_due_sources",
        "schedule": env_int("IMPORT_SWEEP_SECONDS", 10),
    },
    # The ECB publishes its reference rates around 16:00 CET on working days (15:00 UTC in
    # winter); the second run, three hours later, catches a first one that failed. A run
    # that finds the same rates writes nothing.
    "refresh-exchange-rates": {
        "task": "postings.tasks.refresh_exchange_rates",
        "schedule": crontab(minute=15, hour="15,18"),
    },
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages are named in their own language: that is how a visitor finds theirs in the switcher.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("de", "Deutsch"),
    ("es", "Español"),
    ("it", "Italiano"),
    ("nl", "Nederlands"),
    ("pl", "Polski"),
    ("pt", "Português"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
# The tabbed translation admin needs jQuery UI; served from our static files, not a CDN.
JQUERY_UI_URL = "vendor/jquery-ui-1.14.2/jquery-ui.min.js"

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# While developing (and under the tests), WhiteNoise looks files up as they are asked for:
# there is no collectstatic output to scan.
WHITENOISE_AUTOREFRESH = DEBUG
if not DEBUG:
    # Hashed names that can be cached forever, and gzip copies, made by collectstatic
    # (in the image's build). A file missing from the manifest is served under its plain name
    # rather than failing the whole page.
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {
            "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
        },
    }
    WHITENOISE_MANIFEST_STRICT = False
# Uploaded feeds.
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))

EMAIL_URL = env_url("EMAIL_URL", ("smtp", "smtps", "submission"))
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_URL or EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_URL:
        from urllib.parse import unquote

        _mail = urlsplit(EMAIL_URL)
        EMAIL_HOST = _mail.hostname or ""
        EMAIL_PORT = _mail.port or {"smtp": 25, "smtps": 465, "submission": 587}[_mail.scheme]
        EMAIL_HOST_USER = unquote(_mail.username or "")
        EMAIL_HOST_PASSWORD = unquote(_mail.password or "")
        EMAIL_USE_SSL = _mail.scheme == "smtps"
        EMAIL_USE_TLS = _mail.scheme == "submission"
    else:
        EMAIL_PORT = env_int("EMAIL_PORT", 25)
        EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
        EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
        EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
        EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Seconds a mail server may take to answer each step before the send fails as temporary and
# is retried later: a stuck server must not hold a worker.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Job board <jobs@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

POSTINGS_PER_PAGE = 20
# Requests per client address to the public API ("N/s", "N/m", "N/h").
API_RATE_LIMIT = env_rate("API_RATE_LIMIT", "120/m")
# Calls per partner API token (an applicant-tracking system syncing its company's postings).
PARTNER_API_RATE_LIMIT = env_rate("PARTNER_API_RATE_LIMIT", "600/m")
# A posting with no explicit expiry stays up this long after publication.
POSTING_DEFAULT_DAYS = env_int("POSTING_DEFAULT_DAYS", 30)
# Off: every company publishes without review (a small board with known recruiters). On,
# only companies marked as trusted by a moderator do.
POSTING_REVIEW_REQUIRED = env_bool("POSTING_REVIEW_REQUIRED", True)
# Owners are emailed this many days before a posting expires.
POSTING_EXPIRY_WARNING_DAYS = env_int("POSTING_EXPIRY_WARNING_DAYS", 5)
# Where the fonts of the link-preview pictures are (Debian's fonts-dejavu-core).
OG_IMAGE_FONT_DIR = Path(env_str("OG_IMAGE_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))
# An invitation link to join a company works this long (seconds).
INVITATION_MAX_AGE = env_int("INVITATION_MAX_AGE", 7 * 24 * 3600)
# Invitations a company may send: their mails carry the site's name to any address.
INVITATION_RATE_LIMIT = env_rate("INVITATION_RATE_LIMIT", "30/h")
# A password reset link works this long (seconds).
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 2 * 3600)
# Password reset requests per client address (then 429) and mails per account (more requests
# are answered as usual, so that the answer never tells whether the address has an account).
PASSWORD_RESET_RATE_LIMIT_IP = env_rate("PASSWORD_RESET_RATE_LIMIT_IP", "20/h")
PASSWORD_RESET_RATE_LIMIT_EMAIL = env_rate("PASSWORD_RESET_RATE_LIMIT_EMAIL", "3/h")

# Failed logins lock out a username from an address (not everyone behind a shared address)
# for AXES_COOLOFF_MINUTES after AXES_FAILURE_LIMIT attempts.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
# The address every other limit uses (X-Forwarded-For only from TRUSTED_PROXY), whatever
# axes would pick by itself (django-ipware, when installed, reads X-Forwarded-For).
AXES_CLIENT_IP_CALLABLE = "jobboard.observability.client_address"
AXES_VERBOSE = False

# Email alerts (alerts/). A confirmation link works this many days; unconfirmed alerts are
# forgotten after it.
ALERT_CONFIRM_DAYS = env_int("ALERT_CONFIRM_DAYS", 7)
# Subscription requests ("N/s", "N/m", "N/h", "N/d") per email address and per client address.
ALERT_RATE_LIMIT_EMAIL = env_rate("ALERT_RATE_LIMIT_EMAIL", "5/h")
ALERT_RATE_LIMIT_IP = env_rate("ALERT_RATE_LIMIT_IP", "30/h")
# Alerts per sending task, through one SMTP connection.
ALERT_SEND_BATCH = env_int("ALERT_SEND_BATCH", 200)
# Postings an alert mail shows (the newest); it counts the others and links to the search.
# Matching records no more than that per alert.
ALERT_MAIL_POSTINGS = env_int("ALERT_MAIL_POSTINGS", 20)
# Alerts of one search recorded per transaction by matching: a transaction writes at most
# this times ALERT_MAIL_POSTINGS matches, and lasts well under a second.
ALERT_MATCH_BATCH = env_int("ALERT_MATCH_BATCH", 1000)
# How far each sweep looks back before the last one, for postings committed late.
ALERT_MATCH_GRACE_SECONDS = env_int("ALERT_MATCH_GRACE_SECONDS", 900)
# The mailto: of List-Unsubscribe; mail to it must reach whoever unsubscribes people by hand.
ALERT_UNSUBSCRIBE_EMAIL = env_str(
    "ALERT_UNSUBSCRIBE_EMAIL",
    f"unsubscribe@{urlsplit(SITE_URL).hostname or 'localhost'}",
)
# Feed imports: rows per transaction (and per checkpoint of a run); the largest feed a URL may
# send; the connect and read timeout of a fetch, and how long its whole body may take (a server
# that drips a byte per read timeout must not hold a worker); how long a running run may go
# without a heartbeat (its worker beats every quarter of it) before the sweep resumes it
# elsewhere (its worker died); how long a queued run whose message went may wait before it is
# sent again (the broker lost its messages: a backlog of imports waits that long too, and a
# repeat costs nothing).
IMPORT_CHUNK_SIZE = env_int("IMPORT_CHUNK_SIZE", 2000)
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 200 * 1024 * 1024)
IMPORT_FETCH_TIMEOUT = env_int("IMPORT_FETCH_TIMEOUT", 30)
IMPORT_FETCH_DEADLINE = env_int("IMPORT_FETCH_DEADLINE", 300)
# A text whose search finds this many postings has its matches kept, for this many texts a
# language at most (postings.common_searches): about 250 bytes a match with its indexes.
COMMON_SEARCH_MATCHES = env_int("COMMON_SEARCH_MATCHES", 5000)
COMMON_SEARCHES_PER_LANGUAGE = env_int("COMMON_SEARCHES_PER_LANGUAGE", 20)
IMPORT_HEARTBEAT_TIMEOUT = env_int("IMPORT_HEARTBEAT_TIMEOUT", 60)
IMPORT_STALE_SECONDS = env_int("IMPORT_STALE_SECONDS", 15 * 60)
# Feed URLs reach the public internet only, unless this is on (feeds served inside a private
# network, tests against a local server).
IMPORT_ALLOW_PRIVATE_ADDRESSES = env_bool("IMPORT_ALLOW_PRIVATE_ADDRESSES", False)

# The European Central Bank's daily reference rates (euro against about 30 currencies), for
# salaries compared and shown across currencies (postings/rates.py); an operator's setting, so
# any address it names is trusted (a mirror inside the network, a test's local server).
EXCHANGE_RATES_URL = env_url(
    "EXCHANGE_RATES_URL",
    ("https", "http"),
    "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml",
)
# Seconds to connect, and for each read, of a fetch of the rates.
EXCHANGE_RATES_TIMEOUT = env_int("EXCHANGE_RATES_TIMEOUT", 10)

# The reverse proxies (addresses or networks, comma-separated) whose X-Forwarded-For and
# X-Forwarded-Proto are believed; from anyone else they are ignored
# (jobboard.observability.TrustedProxyMiddleware). Empty: the server faces clients directly.
TRUSTED_PROXY = env_list("TRUSTED_PROXY")
if TRUSTED_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# /metrics answers a scraper that sends this bearer token; without one, only the same host.
METRICS_TOKEN = env_str("METRICS_TOKEN")

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Probes and Prometheus talk plain HTTP to the container.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# What pages may load and who may frame them: our own scripts, styles and pictures only (no
# inline script or style, so an injected one does not run), no plugins, no <base>, no framing.
# JSON-LD (<script type="application/ld+json">) is data, not a script: the policy leaves it be.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # Company logos are https addresses of the company's choosing (Company.logo_url).
        "img-src": ["'self'", "https:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
# Browser features no page of ours uses, off for us and for anything we might embed.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "camera",
        "microphone",
        "geolocation",
        "payment",
        "usb",
        "browsing-topics",
    )
}
# The language cookie says which language the visitor chose; no script reads it.
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = not DEBUG

# One JSON object per line in production, for the log collector; plain lines while developing.
LOG_FORMAT = env_str("LOG_FORMAT", "plain" if DEBUG else "json")
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or plain, got {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "jobboard.observability.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "jobboard.observability.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # django-axes logs every login at INFO; failures and lockouts are warnings.
    "loggers": {
        # Django's default configuration, applied before this one, gives "django" a console
        # handler of its own (active with DEBUG) and lets it propagate to root: every line of
        # it printed twice. Without handlers here, its lines go through root's alone.
        "django": {"handlers": [], "level": "INFO"},
        "axes": {"level": "WARNING"},
        # One line per request; off while developing, where runserver prints its own.
        "jobboard.request": {"level": "WARNING" if DEBUG else "INFO"},
    },
}
