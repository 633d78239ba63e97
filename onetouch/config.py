"""Configuration: defaults, then ``instance/config.py``, then ``ONETOUCH_*`` variables.

Anything wrong with the configuration stops start-up with :class:`ConfigError`, whose
message is one sentence an operator can act on.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from onetouch.core import clock

DEFAULTS = {
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SQLALCHEMY_TRACK_MODIFICATIONS": False,
    "BABEL_DEFAULT_LOCALE": "vi",
    "BABEL_DEFAULT_TIMEZONE": clock.TIMEZONE_NAME,
    "LANGUAGES": ["vi", "en"],
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_NAME": "remember_token",
    "LANGUAGE_COOKIE_NAME": "lang",
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    "SQLITE_BUSY_TIMEOUT_MS": 10_000,
    "RATELIMIT_HEADERS_ENABLED": True,
    "MAIL_BACKEND": "log",
    "MAIL_SENDER": "OneTouch <no-reply@localhost>",
    # Sessions (accounts/logins.py): ended after this long without a request, admins' sooner;
    # ended this long after the log-in whatever happens; "remember me" for this many seconds.
    "SESSION_IDLE_MINUTES": 30,
    "SESSION_IDLE_MINUTES_ADMIN": 15,
    "SESSION_ABSOLUTE_HOURS": 12,
    "REMEMBER_COOKIE_DURATION": 30 * 24 * 3600,
    # A privileged action asks for the password again after this long (accounts/session.py).
    "REAUTH_MINUTES": 5,
    # Per account, across every server (accounts/throttle.py).
    "LOGIN_FAILURES_PER_HOUR": 100,
    "RESET_MAILS_PER_HOUR": 5,
    # Learners may ask for a password code by SMS (notifications/reset_by_sms.py): turn on
    # once NOTIFY_SMS_GATEWAY names a real provider; in production the log gateway never counts.
    "PASSWORD_CODE_BY_SMS": False,
    # An account nobody has logged in to for this many years is anonymised by
    # ``flask users purge-inactive`` (privacy/cli.py; README, "Personal data").
    "INACTIVE_ACCOUNT_YEARS": 3,
    # False behind a pooler that hands each transaction any server connection (PgBouncer
    # before 1.21 in transaction mode): see prepared_statements() and docs/capacity.md.
    "DATABASE_PREPARED_STATEMENTS": True,
    # The compliance dashboard's figures may be kept this long in each server process
    # (learning/compliance_cache.py); 0, the default, counts them on every request from the
    # running counts (learning/tallies.py).
    "COMPLIANCE_CACHE_SECONDS": 0,
    # "inline": a passed quiz completes the module (and the course, and issues the
    # certificate) in its own request. "queued": the request grades and marks the attempt,
    # and ``flask quizzes fold`` applies completions in batches (quizzes/fold.py; README,
    # "Completions in batches"), so that a submission costs little more than a read.
    "COMPLETIONS": "inline",
}
COMPLETION_MODES = ("inline", "queued")
POSITIVE = ("SESSION_IDLE_MINUTES", "SESSION_IDLE_MINUTES_ADMIN", "SESSION_ABSOLUTE_HOURS",
            "REMEMBER_COOKIE_DURATION", "REAUTH_MINUTES", "LOGIN_FAILURES_PER_HOUR",
            "RESET_MAILS_PER_HOUR", "INACTIVE_ACCOUNT_YEARS")

SQLITE_FILE = "onetouch.sqlite3"
RATELIMIT_FILE = "ratelimits.sqlite3"
# The keys every server of a shared database needs: how to make one, where an older version
# kept the one it made.
KEYS = (
    ("SECRET_KEY", "python3 -c 'import secrets; print(secrets.token_hex(32))'",
     "instance/secret_key"),
    ("CREDENTIAL_SIGNING_KEY", "openssl genpkey -algorithm ed25519",
     "instance/signing_key.pem"),
)
SECRET_KEY_FILE = "secret_key"  # noqa: S105 (a file name, not a secret)


class ConfigError(SystemExit):
    """A configuration problem that must stop start-up.

    It derives from SystemExit on purpose: the ``flask`` CLI, gunicorn and ``python -c``
    then print the one-sentence message and exit 1 instead of showing a traceback.
    """

    def __init__(self, message: str) -> None:
        super().__init__(f"OneTouch cannot start: {message}")
        self.message = message


def instance_path_from_env() -> str | None:
    """Return an absolute instance folder from ``ONETOUCH_INSTANCE_PATH``, if set."""
    value = os.environ.get("ONETOUCH_INSTANCE_PATH")
    return str(Path(value).resolve()) if value else None


def load(app: Flask, test_config: dict | None, production: bool = False) -> None:
    """Fill ``app.config`` in order of precedence and validate the result.

    :param production: the app is built to serve the public (``wsgi.py``); unless DEBUG or
        TESTING is on, it then refuses to start without PUBLIC_URL.
    """
    app.config.from_mapping(DEFAULTS)
    app.config["COURSES_PATH"] = str(Path(app.root_path).parent / "courses")
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        if os.environ.get("DATABASE_URL"):
            app.config["DATABASE_URL"] = os.environ["DATABASE_URL"]
        app.config.from_prefixed_env("ONETOUCH")
    else:
        app.config.from_mapping(test_config)
    _check_positive(app)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_uri(app)
    prepared_statements(app.config)
    if app.config["COMPLETIONS"] not in COMPLETION_MODES:
        raise ConfigError(f"COMPLETIONS must be inline or queued, not "
                          f"{app.config['COMPLETIONS']!r}.")
    keys_and_counters(app)
    app.config["PRODUCTION"] = production and not (app.debug or app.testing)
    app.config["PUBLIC_URL"] = public_url(app.config.get("PUBLIC_URL"),
                                          app.config["PRODUCTION"])
    secure_cookies(app.config)
    trusted_hosts(app.config, app.testing)


def keys_and_counters(app: Flask) -> None:
    """The keys, and where rate limits are counted.

    On PostgreSQL, which several servers may share, the keys must come from the
    configuration: keys each server made on its own disk would turn away on one server a
    session made on another, and sign credentials that the others' published key does not
    verify. On SQLite (one machine) a missing secret key is made once in the instance folder.
    Rate limits are counted, unless configured, in a file every worker of the machine shares
    (``core/ratelimit_storage.py``).
    """
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        for name, make, kept in KEYS:
            if not app.config.get(name):
                raise ConfigError(
                    f"DATABASE_URL points to PostgreSQL, which several servers may share: set "
                    f"ONETOUCH_{name}, the same on every server (a new one: {make}; a server "
                    f"that made its own keeps it in {kept}).")
    elif not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(app.instance_path)
    if not app.config.get("RATELIMIT_STORAGE_URI"):
        folder = ensure_instance_folder(app.instance_path)
        app.config["RATELIMIT_STORAGE_URI"] = f"sqlite:///{folder / RATELIMIT_FILE}"


def prepared_statements(config) -> None:
    """On PostgreSQL, psycopg prepares a statement on the server after its fifth run on a
    connection and then refers to it by name. Behind a transaction pooler the next
    transaction may reach another server connection, where the name is unknown ("prepared
    statement _pg3_0 does not exist"): with DATABASE_PREPARED_STATEMENTS false, none is
    prepared. The app keeps no other state in a connection between transactions."""
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    if not isinstance(config["DATABASE_PREPARED_STATEMENTS"], bool):
        raise ConfigError("DATABASE_PREPARED_STATEMENTS must be true or false, not "
                          f"{config['DATABASE_PREPARED_STATEMENTS']!r}.")
    if not config["DATABASE_PREPARED_STATEMENTS"]:
        options = dict(config["SQLALCHEMY_ENGINE_OPTIONS"])  # DEFAULTS' own dict stays as is
        options["connect_args"] = {**options.get("connect_args", {}), "prepare_threshold": None}
        config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def public_url(value, production: bool) -> str | None:
    """The site's origin, ``https://host[:port]``, that every absolute link starts with.

    A link built from the request's Host header would follow a forged one (a password reset
    link pointing at another site), so production must name it.
    """
    if not value:
        if production:
            raise ConfigError(
                "ONETOUCH_PUBLIC_URL is not set; set it to the site's public address, such as "
                "https://onetouch.example.gov.vn (make run sets http://127.0.0.1:8000).")
        return None
    parts = urlsplit(str(value).strip())
    if (parts.scheme not in ("http", "https") or not parts.hostname
            or parts.path not in ("", "/") or parts.query or parts.fragment):
        raise ConfigError(
            f"PUBLIC_URL '{value}' is not an address such as https://onetouch.example.gov.vn "
            "(http or https, a host, an optional port, no path).")
    return f"{parts.scheme}://{parts.netloc}"


# Cookie names that SECURE_COOKIES prefixes with "__Host-": the browser then accepts them only
# over https, from this very host, for every path, and no other site can set them.
COOKIE_NAMES = ("SESSION_COOKIE_NAME", "REMEMBER_COOKIE_NAME", "LANGUAGE_COOKIE_NAME")
HOST_PREFIX = "__Host-"


def secure_cookies(config) -> None:
    """``SECURE_COOKIES`` (on by default when PUBLIC_URL is https): cookies are sent over
    https only, under ``__Host-`` names."""
    https = (config["PUBLIC_URL"] or "").startswith("https://")
    if not config.setdefault("SECURE_COOKIES", https):
        return
    config["SESSION_COOKIE_SECURE"] = config["REMEMBER_COOKIE_SECURE"] = True
    for key in COOKIE_NAMES:
        if not config[key].startswith(HOST_PREFIX):
            config[key] = HOST_PREFIX + config[key]


# A development server answers only to these names (and PUBLIC_URL's host): a page of another
# site cannot reach it through a name it points at 127.0.0.1 (DNS rebinding).
DEVELOPMENT_HOSTS = ("localhost", "127.0.0.1")


def trusted_hosts(config, testing: bool) -> None:
    """Flask's ``TRUSTED_HOSTS``: in development, unless set, the local names; in production
    every absolute link starts with PUBLIC_URL, so the Host header decides nothing and load
    balancers may probe by address."""
    if config.get("TRUSTED_HOSTS") is not None or config["PRODUCTION"] or testing:
        return
    hosts = list(DEVELOPMENT_HOSTS)
    if config["PUBLIC_URL"]:
        hosts.append(urlsplit(config["PUBLIC_URL"]).hostname)
    config["TRUSTED_HOSTS"] = hosts


def _check_positive(app: Flask) -> None:
    for name in POSITIVE:
        value = app.config.get(name)
        if isinstance(value, timedelta):
            value = value.total_seconds()
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise ConfigError(f"{name} must be a positive number, not {value!r}.")


def ensure_instance_folder(path: str) -> Path:
    """Create the instance folder if needed and prove that it is writable.

    A folder it creates is the server account's alone (0700): it holds the database, the keys
    and the logs of a small installation.
    """
    folder = Path(path)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        probe = folder / ".write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise ConfigError(
            f"the instance folder {folder} is not a writable directory ({exc.strerror}); "
            "create it, fix its permissions or set ONETOUCH_INSTANCE_PATH."
        ) from None
    return folder


def database_uri(app: Flask) -> str:
    """Turn ``DATABASE_URL`` (or the SQLite default) into a SQLAlchemy URL we support."""
    raw = app.config.get("DATABASE_URL") or app.config.get("SQLALCHEMY_DATABASE_URI")
    if not raw:
        folder = ensure_instance_folder(app.instance_path)
        create_private_file(folder / SQLITE_FILE)
        return f"sqlite:///{folder / SQLITE_FILE}"
    try:
        url = make_url(str(raw))
    except ArgumentError:
        raise ConfigError(
            "DATABASE_URL is not a database URL; use sqlite:///path or "
            "postgresql://user:password@host/dbname."
        ) from None
    return _supported(url).render_as_string(hide_password=False)


def _supported(url: URL) -> URL:
    backend = url.get_backend_name()
    if backend == "sqlite":
        if url.database and url.database != ":memory:":
            ensure_instance_folder(str(Path(url.database).resolve().parent))
            create_private_file(Path(url.database))
        return url
    if backend in {"postgres", "postgresql"}:
        _require_psycopg()
        return url.set(drivername="postgresql+psycopg")
    raise ConfigError(
        f"DATABASE_URL uses the scheme '{url.drivername}', which OneTouch does not support; "
        "use sqlite:///path or postgresql://user:password@host/dbname."
    )


def create_private_file(path: Path) -> None:
    """Create an empty file only its owner may read (0600), unless it exists already.

    For the SQLite database: left to SQLite, it would be created with the umask's mode,
    usually readable by every local user, and its -wal and -shm files copy the mode of the
    database file. An empty file is an empty SQLite database.
    """
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    except OSError as exc:
        raise ConfigError(f"cannot create the database file {path} ({exc.strerror}).") from None


def _require_psycopg() -> None:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise ConfigError(
            "DATABASE_URL points to PostgreSQL but the psycopg driver is missing; "
            "install the project with its extra: pip install '.[postgres]'."
        ) from None


def instance_secret_key(instance_path: str) -> str:
    """Read the secret key kept in the instance folder, creating it on first run.

    Several processes may start at once, so the key is written to a private temporary
    file and linked into place: ``os.link`` fails if another process won, and nobody can
    read a half-written key.
    """
    folder = ensure_instance_folder(instance_path)
    key_file = folder / SECRET_KEY_FILE
    if not key_file.exists():
        temporary = folder / f".{SECRET_KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32) + "\n")
        try:
            os.link(temporary, key_file)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    key = key_file.read_text().strip()
    if len(key) < 32:
        raise ConfigError(
            f"the secret key in {key_file} is too short; delete the file to make a new one."
        )
    return key
