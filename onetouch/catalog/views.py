"""Catalogue pages. Lessons are public: reading needs no account."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    make_response,
    render_template,
    request,
    url_for,
)

from onetouch.accounts.models import AUDIENCE_LABELS, AudienceGroup
from onetouch.catalog import offline, pages, services
from onetouch.catalog.cache import cache_key, derived, public_page
from onetouch.catalog.outline import outline
from onetouch.catalog.search import results_page
from onetouch.core.params import page_number
from onetouch.extensions import db

bp = Blueprint("catalog", __name__)

ONE_YEAR = 365 * 24 * 3600
ONE_HOUR = 3600
MAX_QUERY = 200
# An SVG opened on its own is a document: let it draw its own styles, never run anything,
# never be framed, never send a form.
ASSET_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; object-src 'none'; "
                "base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox")
# The course file is read on its own: inline styles and images, nothing else, never framed.
OFFLINE_POLICY = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
                  "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


@bp.get("/")
def home():
    return render_template("catalog/home.html", audiences=AUDIENCE_LABELS)


@bp.get("/courses")
@public_page
def index():
    audience = request.args.get("audience") or None
    if audience not in {None, *(group.value for group in AudienceGroup)}:
        audience = None
    every = services.live_courses(db.session)
    shown = [c for c in every if audience is None or audience in c.audiences]
    return render_template("catalog/index.html", courses=shown, total=len(every),
                           counts=services.audience_counts(every), audience=audience,
                           labels=AUDIENCE_LABELS)


@bp.get("/courses/<slug>")
@public_page
def course(slug: str):
    return pages.render("catalog/course.html", lambda: _course(slug))


def _course(slug: str) -> dict:
    found = services.course_by_slug(db.session, slug) or abort(404)
    modules = services.syllabus(db.session, found)
    return {"course": found, "modules": modules, "labels": AUDIENCE_LABELS,
            "outline": outline(db.session, found, modules), "module": None}


@bp.get("/courses/<slug>/<module_slug>")
@public_page
def lesson(slug: str, module_slug: str):
    return pages.render("catalog/lesson.html", lambda: _lesson(slug, module_slug))


def _lesson(slug: str, module_slug: str) -> dict:
    found = services.lesson(db.session, slug, module_slug) or abort(404)
    course = outline(db.session, found.course, found.modules)
    return {"lesson": found, "outline": course, "module": course.module(found.module.id)}


@bp.get("/courses/<slug>/offline.html")
def offline_course(slug: str):
    """The whole course as one file to keep. Module slugs have no ".", so no lesson is hidden."""
    course_url = _public_url(url_for("catalog.course", slug=slug))
    key = ("offline", course_url, *cache_key(request.full_path, request.cookies, current_app))
    body = derived(key, lambda: offline.course_file(
        db.session, slug, course_url, _stylesheet())) or abort(404)
    response = make_response(body)
    response.headers.set("Content-Disposition", "attachment", filename=f"onetouch-{slug}.html")
    response.headers["Content-Security-Policy"] = OFFLINE_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.no_cache = True
    response.add_etag()
    return response.make_conditional(request)


def _public_url(path: str) -> str:
    """An absolute address on this site: PUBLIC_URL when set, else the request's."""
    base = current_app.config.get("PUBLIC_URL") or request.host_url
    return base.rstrip("/") + path


def _stylesheet() -> str:
    with current_app.open_resource("static/css/site.css") as css:
        return css.read().decode("utf-8")


@bp.get("/courses/<slug>/assets/<path:path>")
def asset(slug: str, path: str):
    found = services.asset(db.session, slug, path) or abort(404)
    response = make_response()
    response.set_etag(found.sha256)
    versioned = request.args.get("v") == found.sha256[:12]
    response.cache_control.public = True
    response.cache_control.max_age = ONE_YEAR if versioned else ONE_HOUR
    if versioned:
        response.cache_control.immutable = True
    response.headers["Content-Security-Policy"] = ASSET_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.content_type = found.content_type
    # Weak comparison, as RFC 9110 asks of If-None-Match: nginx marks the ETag of an answer it
    # compressed as weak (W/"..."), and the browser sends it back so.
    if request.if_none_match.contains_weak(found.sha256):
        response.status_code = 304
        return response
    response.set_data(found.data)
    return response


@bp.get("/search")
@public_page
def search_page():
    query = (request.args.get("q") or "").strip()[:MAX_QUERY]
    page = page_number(request.args)
    results = results_page(db.session, query, page) if query else None
    return render_template("catalog/search.html", query=query, results=results)
