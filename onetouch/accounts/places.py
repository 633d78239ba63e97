"""Glue between account forms and services: place choices, form data, error placement."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _

from onetouch.accounts.checks import as_audience
from onetouch.accounts.services import AccountError, Registration
from onetouch.accounts.throttle import Locked
from onetouch.core.forms import options
from onetouch.extensions import db
from onetouch.geo.services import communes_of, matching_communes, provinces


def fill_places(form, province_code: str | None) -> None:
    """Province choices, and the communes of the chosen province (none until one is chosen),
    narrowed to those matching the commune search when there is one."""
    form.province_code.choices = options([("", _("— Chọn tỉnh, thành phố —"))] + [
        (p.code, p.name) for p in provinces(db.session)])
    communes = communes_of(db.session, province_code) if province_code else []
    communes = _searched(form, communes)
    form.commune_code.choices = options([("", _("— Chọn xã, phường —"))] + [
        (c.code, c.name) for c in communes])


def _searched(form, communes: list) -> list:
    """Without JavaScript, the search is sent with the province button and the server narrows
    the list; one match is chosen at once. The chosen commune always stays in the list."""
    search = getattr(form, "commune_search", None)
    query = (search.data or "").strip() if search is not None else ""
    if not query or not communes:
        return communes
    found = matching_communes(communes, query)
    if not found:
        search.errors = [_("Không tìm thấy xã, phường nào có tên như vậy trong tỉnh đã chọn; "
                           "danh sách dưới đây là mọi xã, phường của tỉnh.")]
        return communes
    if len(found) == 1:
        form.commune_code.data = found[0].code
    chosen = [c for c in communes if c.code == form.commune_code.data and c not in found]
    return chosen + found


def registration_data(form) -> Registration:
    return Registration(
        full_name=form.full_name.data or "", phone=form.phone.data, email=form.email.data,
        password=form.password.data or "", province_code=form.province_code.data,
        commune_code=form.commune_code.data, audience=as_audience(form.audience.data),
        position=form.position.data, consent=bool(form.consent.data),
        birth_year=form.birth_year.data if hasattr(form, "birth_year") else None)


def show_error(form, error: AccountError | Locked | list[AccountError]) -> None:
    """Put a service's complaint, or each of several, under its field. A field the form
    itself already found wrong keeps its own message ("please fill this in" and "choose a
    commune" are one problem, said once)."""
    problems = error if isinstance(error, list) else getattr(error, "problems", [error])
    for problem in problems:
        field = getattr(form, problem.field or "", None)
        if field is None:
            field = form.password if hasattr(form, "password") else next(iter(form))
        elif field.errors:
            continue
        field.errors = [*field.errors, problem.message]


def refused(form, locked: Locked, template: str):
    """Too many wrong passwords: the form again, saying when to try, as 429 with Retry-After."""
    show_error(form, locked)
    return (render_template(template, form=form), 429,
            {"Retry-After": str(locked.retry_after)})
