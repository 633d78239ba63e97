"""OneTouch: an open digital-skills learning platform."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from onetouch import config
from onetouch.core import params, security, transaction
from onetouch.extensions import (
    babel,
    csrf,
    db,
    install_template_gettext,
    limiter,
    login_manager,
    select_locale,
)
from onetouch.listeners import register_listeners, register_page_parts

MIGRATIONS_DIR = "migrations"


def create_app(test_config: dict | None = None, production: bool = False) -> Flask:
    """Build the application.

    :param test_config: settings that replace ``instance/config.py`` and the
        ``ONETOUCH_*`` environment, for tests.
    :param production: built to serve the public (``wsgi.py``): PUBLIC_URL is then required
        unless DEBUG or TESTING is on.
    """
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=config.instance_path_from_env(),
    )
    config.load(app, test_config, production)
    trust_proxies(app)
    register_extensions(app)
    params.init_app(app)
    register_blueprints(app)
    register_listeners(app)
    register_page_parts(app)
    register_errorhandlers(app)
    transaction.init_app(app)
    register_commands(app)
    if not production:
        # Alembic is the shell's (`flask db upgrade`): a server answering requests never runs
        # it, and Flask-Migrate with Alembic is 126 modules and about 9 MB in every process
        # (benchmarks/README.md, "Memory of the default server").
        register_migrations(app)
    security.init_app(app)
    return app


def trust_proxies(app: Flask) -> None:
    """Behind ``PROXIES`` reverse proxies (nginx: 1), the client's address and scheme are the
    ones the nearest proxy put in X-Forwarded-For and -Proto; anything a client wrote there
    itself is further left and ignored. Rate limits count per client address."""
    hops = int(app.config.get("PROXIES") or 0)
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def register_extensions(app: Flask) -> None:
    from limits.errors import ConfigurationError
    from sqlalchemy.orm import configure_mappers

    from onetouch import (
        faults,  # noqa: F401  (registers the engine and pool listeners)
        models,  # noqa: F401  (every table must be known to Alembic)
    )
    from onetouch.accounts import session
    from onetouch.core import (
        ratelimit_storage,  # noqa: F401  (registers the sqlite:// rate-limit storage)
    )

    db.init_app(app)
    # Every mapper is configured here, once, rather than by a worker's first query: in
    # gunicorn's master (preload_app) the result is shared by every worker it forks, where
    # 32 workers each configuring them on their first request took a fifth of the CPU of a
    # submission benchmark's measured run (benchmarks/README.md, "The write path").
    configure_mappers()
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Vui lòng đăng nhập để tiếp tục.")
    login_manager.login_message_category = "info"
    # "basic": a phone that changes network (and IP address) keeps its session.
    login_manager.session_protection = "basic"
    session.init_app(app)  # the user loader, log-in redirects, refused permissions logged
    try:
        limiter.init_app(app)
    except ConfigurationError as error:
        raise config.ConfigError(
            f"RATELIMIT_STORAGE_URI cannot be used ({error}); use sqlite:////path/file, "
            "redis://host:6379/0 or memory://.") from None
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    install_template_gettext(app)


def register_blueprints(app: Flask) -> None:
    from onetouch.accounts import views as accounts
    from onetouch.api import views as api
    from onetouch.audit import views as audit
    from onetouch.catalog import cache
    from onetouch.catalog import views as catalog
    from onetouch.certificates import views as certificates
    from onetouch.community import views as community
    from onetouch.core import views as core
    from onetouch.learners import views as learners
    from onetouch.learning import views as learning
    from onetouch.notifications import views as notifications
    from onetouch.onboarding import views as onboarding
    from onetouch.privacy import views as privacy
    from onetouch.quizzes import views as quizzes
    from onetouch.stats import views as stats

    cache.init_app(app)
    for feature in (core, catalog, accounts, audit, learning, quizzes, certificates, privacy,
                    learners, onboarding, community, stats, notifications, api):
        app.register_blueprint(feature.bp)


def register_errorhandlers(app: Flask) -> None:
    from onetouch.core.errors import register

    register(app)


def register_migrations(app: Flask) -> None:
    """``flask db``: Alembic's migrations with the backup and restore commands."""
    from pathlib import Path

    from flask_migrate import Migrate
    from flask_migrate.cli import db as migrations

    from onetouch.core.cli import database_cli

    Migrate(app, db, directory=str(Path(app.root_path).parent / MIGRATIONS_DIR),
            render_as_batch=True, compare_type=True)
    app.cli.add_command(database_cli(migrations))


def register_commands(app: Flask) -> None:
    # Imported in gunicorn's master too: the features' modules they load are then shared by
    # the workers rather than loaded by each (measured: benchmarks/README.md, "Memory").
    from onetouch.accounts.cli import users_cli
    from onetouch.certificates.cli import certificates_cli
    from onetouch.content.cli import courses_cli
    from onetouch.demo.cli import demo_cli
    from onetouch.geo.cli import geo_cli
    from onetouch.learning.cli import compliance_cli, learning_cli
    from onetouch.notifications.cli import notify_cli
    from onetouch.onboarding.cli import import_users
    from onetouch.privacy.cli import purge_inactive
    from onetouch.quizzes.cli import quizzes_cli
    from onetouch.stats.cli import stats_cli

    app.cli.add_command(geo_cli)
    app.cli.add_command(courses_cli)
    users_cli.add_command(purge_inactive)  # a users command that needs the features above
    users_cli.add_command(import_users)
    app.cli.add_command(users_cli)
    app.cli.add_command(learning_cli)
    app.cli.add_command(compliance_cli)
    app.cli.add_command(quizzes_cli)
    app.cli.add_command(certificates_cli)
    app.cli.add_command(stats_cli)
    app.cli.add_command(notify_cli)
    app.cli.add_command(demo_cli)
