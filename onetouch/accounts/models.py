"""Users, their audience group and their administrative roles."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, and_, exists, text
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship, validates

from onetouch.db import str_enum, utcnow
from onetouch.extensions import db
from onetouch.geo.models import Commune, Province
from onetouch.text import fold


class AudienceGroup(enum.StrEnum):
    """Who a learner is; courses, required training and statistics are cut by it."""

    CITIZEN = "citizen"
    COMMUNE_OFFICIAL = "commune_official"
    IT_UNIT = "it_unit"
    DIGITAL_TEAM = "digital_team"
    CIVIL_SERVANT = "civil_servant"

    @property
    def label(self) -> str:
        return str(AUDIENCE_LABELS[self])

    @property
    def needs_confirmation(self) -> bool:
        """Declared by the learner, but counted as such only once a province admin confirms."""
        return self in VERIFIED_AUDIENCES


AUDIENCE_LABELS = {
    AudienceGroup.CITIZEN: _l("Người dân"),
    AudienceGroup.COMMUNE_OFFICIAL: _l("Cán bộ, lãnh đạo cấp xã"),
    AudienceGroup.IT_UNIT: _l("Đơn vị chuyên trách CNTT của bộ, ngành, địa phương"),
    AudienceGroup.DIGITAL_TEAM: _l("Thành viên Tổ công nghệ số cộng đồng"),
    AudienceGroup.CIVIL_SERVANT: _l("Cán bộ, công chức, viên chức khác"),
}

VERIFIED_AUDIENCES = frozenset({AudienceGroup.COMMUNE_OFFICIAL, AudienceGroup.DIGITAL_TEAM})


class Role(enum.StrEnum):
    """Administrative roles. Every user is a learner; these are granted on top."""

    PROVINCE_ADMIN = "province_admin"
    MINISTRY_ADMIN = "ministry_admin"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.PROVINCE_ADMIN: _l("Quản trị tỉnh"),
    Role.MINISTRY_ADMIN: _l("Quản trị cấp bộ"),
}


LISTED = {"sqlite_where": text("deleted_at IS NULL"),
          "postgresql_where": text("deleted_at IS NULL")}


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        # A way to reach the owner, unless the owner deleted the account (privacy/erasure.py).
        CheckConstraint("phone IS NOT NULL OR email IS NOT NULL OR deleted_at IS NOT NULL",
                        name="contact"),
        # Required-training reports: learners of one audience in a province, by commune.
        Index("ix_users_province_audience_commune", "province_code", "audience", "commune_code"),
        # Admins' learner list (onetouch/learners): by name, nationwide and within a province,
        # and newest first; of the accounts not deleted, which is all the list shows, so that
        # walking one of them to a deep page reads no row of the table.
        Index("ix_users_search_name", "search_name", **LISTED),
        Index("ix_users_province_search_name", "province_code", "search_name", **LISTED),
        Index("ix_users_province_created_at", "province_code", "created_at", **LISTED),
        # Assisted sign-ups per team member of a province (stats/helpers.py): the helped only.
        Index("ix_users_province_assisted_by", "province_code", "assisted_by_id", "created_at",
              sqlite_where=text("assisted_by_id IS NOT NULL"),
              postgresql_where=text("assisted_by_id IS NOT NULL")),
        # People by age group in a province (stats/ages.py): those who gave a birth year.
        Index("ix_users_province_birth_year", "province_code", "birth_year", "created_at",
              sqlite_where=text("birth_year IS NOT NULL"),
              postgresql_where=text("birth_year IS NOT NULL")),
        # Who is in the scope of a requirement and since when (learning/required.py's in_scope
        # and overdue), answered from the index alone.
        Index("ix_users_required_scope", "province_code", "audience", "is_active", "created_at",
              "official_confirmed_at"),
        # The compliance dashboard (learning/compliance.py): one audience by province and
        # commune, with what decides who is in scope, read from the index alone.
        Index("ix_users_audience_scope", "audience", "province_code", "commune_code",
              "is_active", "official_confirmed_at", "created_at"),
        # Its grace period (compliance.py's _in_grace_counts): the confirmed since a day, a
        # range of the newest confirmations whatever the size of the audience (those never
        # confirmed are a range of each province in ix_users_required_scope).
        Index("ix_users_audience_confirmed", "audience", "official_confirmed_at",
              "province_code", "commune_code", "is_active",
              sqlite_where=text("official_confirmed_at IS NOT NULL"),
              postgresql_where=text("official_confirmed_at IS NOT NULL")),
        # A requirement's lists sorted by name (compliance.py's learners_page): a province's
        # learners of one audience walked in name order until a page is full, from the index
        # alone (what decides who is listed is in it), rather than all of them sorted.
        Index("ix_users_province_audience_name", "province_code", "audience", "full_name",
              "id", "is_active", "official_confirmed_at", "created_at", "commune_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    # The name folded (``text.fold``: lower-case, no accents), so that admins find "Nguyễn Thị
    # Hoà" by "nguyen thi hoa" through an index; kept in step by ``_fold_name``, and by the
    # column default for rows inserted without the ORM.
    search_name: Mapped[str] = mapped_column(
        String(200), server_default="",
        default=lambda context: search_name_of(context.get_current_parameters()["full_name"]))
    # Stored normalised (+84…, lower-case e-mail) so that uniqueness means one person.
    phone: Mapped[str | None] = mapped_column(String(16), unique=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"), index=True)
    commune_code: Mapped[str] = mapped_column(ForeignKey("communes.code"), index=True)
    audience: Mapped[AudienceGroup] = mapped_column(str_enum(AudienceGroup, "audience"))
    position: Mapped[str | None] = mapped_column(String(200))
    consent_at: Mapped[datetime]
    # The version of the privacy notice the user last accepted (``Consent`` keeps each one);
    # loaded with the user, so that asking for a newer version costs no query.
    privacy_version: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # The last log-in (or return by "remember me"): inactive accounts are anonymised after
    # INACTIVE_ACCOUNT_YEARS (``flask users purge-inactive``).
    last_login_at: Mapped[datetime | None]
    # Set when the owner deleted the account: its personal fields are anonymised then, the
    # row stays for the statistics and for certificates already issued.
    deleted_at: Mapped[datetime | None]
    # Raised when all the user's sessions end at once (a password change, "log out
    # everywhere"): a session row begun under an older value is refused on every server.
    session_version: Mapped[int] = mapped_column(default=1)
    is_active: Mapped[bool] = mapped_column(default=True)
    is_demo: Mapped[bool] = mapped_column(default=False)
    # Commune officials and community team members are "declared" until a province admin (or a
    # bulk import) confirms them; only confirmed ones count in required-training compliance.
    official_confirmed_at: Mapped[datetime | None]
    official_confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # When a province admin last refused such a declaration: the user became a citizen, and
    # their profile says so (see ``accounts/officials.py``).
    official_rejected_at: Mapped[datetime | None]
    # The community digital technology team member who signed this user up, if any.
    # Optional, for age-group statistics: never shown publicly; in the owner's data export.
    birth_year: Mapped[int | None]
    assisted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # Where and as whom the user registered: statistics count the sign-up there, even if
    # the profile changes later, so rollups can always be recounted from these rows.
    registered_commune_code: Mapped[str | None] = mapped_column(ForeignKey("communes.code"))
    registered_audience: Mapped[AudienceGroup | None] = mapped_column(
        str_enum(AudienceGroup, "registered_audience"))

    province: Mapped[Province] = relationship()
    commune: Mapped[Commune] = relationship(foreign_keys=[commune_code])
    assisted_by: Mapped[User | None] = relationship(remote_side=[id],
                                                    foreign_keys=[assisted_by_id])
    # The roles the user holds now; ``grants`` keeps the revoked ones too.
    roles: Mapped[list[RoleGrant]] = relationship(
        primaryjoin=lambda: and_(User.id == RoleGrant.user_id, RoleGrant.revoked_at.is_(None)),
        viewonly=True)
    grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="user", foreign_keys="RoleGrant.user_id", cascade="all, delete-orphan",
        order_by="RoleGrant.granted_at")

    @validates("full_name")
    def _fold_name(self, key: str, value: str) -> str:
        self.search_name = search_name_of(value)
        return value

    def __repr__(self) -> str:
        return f"<User {self.id}>"


def search_name_of(full_name: str) -> str:
    """What ``User.search_name`` holds for a name: folded, single-spaced."""
    return " ".join(fold(full_name or "").split())


class RoleGrant(db.Model):
    """An administrative role held by a user; a province admin's grant names the province."""

    __tablename__ = "role_grants"
    __table_args__ = (
        # One live grant of a role in a scope; revoked grants stay as the record of who held
        # what, who revoked it and when.
        Index("uq_role_grants_live", "user_id", "role", "province_code", unique=True,
              sqlite_where=text("revoked_at IS NULL"),
              postgresql_where=text("revoked_at IS NULL")),
        CheckConstraint(
            "(role = 'province_admin') = (province_code IS NOT NULL)", name="scope"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    province_code: Mapped[str | None] = mapped_column(ForeignKey("provinces.code"))
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Set when the grant came from the command line: "Dòng lệnh (root)", the system account
    # that ran it (``granted_by_id`` then names the ministry admin given with --by, if any).
    granted_from: Mapped[str | None] = mapped_column(String(100))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_from: Mapped[str | None] = mapped_column(String(100))

    user: Mapped[User] = relationship(back_populates="grants", foreign_keys=[user_id])


# Whether the user holds any role, loaded in the statement that loads the user: the menu of
# every page asks whether the user is an administrator, and most users hold no role.
User.has_roles = column_property(exists().where(RoleGrant.user_id == User.id,
                                                RoleGrant.revoked_at.is_(None)))


class Consent(db.Model):
    """Consent to the privacy notice: which version, when, how it was given, and when it was
    withdrawn. Rows are never deleted, not even with the account: they show that what was
    processed was processed with consent."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    notice_version: Mapped[str] = mapped_column(String(20))
    given_at: Mapped[datetime] = mapped_column(default=utcnow)
    # "register", "assisted" (a team member signed the citizen up), "notice" (accepted a new
    # version), "before_notice" (the sign-up check box, before the notice existed)
    via: Mapped[str] = mapped_column(String(20))
    # The community digital technology team member who recorded it, for "assisted".
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawn_at: Mapped[datetime | None]


class UserSession(db.Model):
    """One signed-in browser or device. The session cookie carries a random secret; only its
    SHA-256 is kept here, so a copy of the table opens no session. Deleting the row ends that
    session on every server; raising ``User.session_version`` ends all of them at once."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # "Remember me": the hash of the long-lived cookie's token, replaced each time it is used.
    remember_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    remember_until: Mapped[datetime | None]
    version: Mapped[int]  # the user's session_version when the session began
    device: Mapped[str] = mapped_column(String(120))  # "Chrome · Android", from the User-Agent
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the cookie's secret was issued (log-in, or a return by "remember me"): the absolute
    # lifetime counts from here.
    renewed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Moved by a request that changes something, at most every few minutes: shown to the user,
    # never used to end a session (the idle time is kept in the signed cookie).
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class ThrottleEvent(db.Model):
    """A counted attempt: a failed password check of an account, a reset mail sent. Counted in
    the database because every worker and every node shares it."""

    __tablename__ = "throttle_events"
    __table_args__ = (Index("ix_throttle_events_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # "login:user:12", "login:id:<keyed hash of an unknown identifier>", "reset:user:12"
    key: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class ResetCode(db.Model):
    """A one-time code to set a new password without e-mail, read to the learner by whoever
    issued it (a team member, an admin) or printed in a bulk import's report. Only a keyed
    hash is kept; a user has at most one live code, as issuing another deletes the old one."""

    __tablename__ = "reset_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         unique=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    # "reset" (24 hours, issued by a helper) or "welcome" (7 days, a bulk import's new account)
    purpose: Mapped[str] = mapped_column(String(20))
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
