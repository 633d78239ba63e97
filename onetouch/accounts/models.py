"""Users, their audience group and their administrative roles."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, exists
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from onetouch.db import str_enum, utcnow
from onetouch.extensions import db
from onetouch.geo.models import Commune, Province


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


AUDIENCE_LABELS = {
    AudienceGroup.CITIZEN: _l("Người dân"),
    AudienceGroup.COMMUNE_OFFICIAL: _l("Cán bộ, lãnh đạo cấp xã"),
    AudienceGroup.IT_UNIT: _l("Đơn vị chuyên trách CNTT của bộ, ngành, địa phương"),
    AudienceGroup.DIGITAL_TEAM: _l("Thành viên Tổ công nghệ số cộng đồng"),
    AudienceGroup.CIVIL_SERVANT: _l("Cán bộ, công chức, viên chức khác"),
}


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


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("phone IS NOT NULL OR email IS NOT NULL", name="contact"),
        # Required-training reports: learners of one audience in a province, by commune.
        Index("ix_users_province_audience_commune", "province_code", "audience", "commune_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    # Stored normalised (+84…, lower-case e-mail) so that uniqueness means one person.
    phone: Mapped[str | None] = mapped_column(String(16), unique=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"), index=True)
    commune_code: Mapped[str] = mapped_column(ForeignKey("communes.code"), index=True)
    audience: Mapped[AudienceGroup] = mapped_column(str_enum(AudienceGroup, "audience"))
    position: Mapped[str | None] = mapped_column(String(200))
    consent_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Raised on password change: every session holding an older value is logged out.
    session_version: Mapped[int] = mapped_column(default=1)
    is_active: Mapped[bool] = mapped_column(default=True)
    is_demo: Mapped[bool] = mapped_column(default=False)
    # The community digital technology team member who signed this user up, if any.
    assisted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # Where and as whom the user registered: statistics count the sign-up there, even if
    # the profile changes later, so rollups can always be recounted from these rows.
    registered_commune_code: Mapped[str | None] = mapped_column(ForeignKey("communes.code"))
    registered_audience: Mapped[AudienceGroup | None] = mapped_column(
        str_enum(AudienceGroup, "registered_audience"))

    province: Mapped[Province] = relationship()
    commune: Mapped[Commune] = relationship(foreign_keys=[commune_code])
    assisted_by: Mapped[User | None] = relationship(remote_side=[id])
    roles: Mapped[list[RoleGrant]] = relationship(
        back_populates="user", foreign_keys="RoleGrant.user_id", cascade="all, delete-orphan"
    )

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class RoleGrant(db.Model):
    """An administrative role held by a user; a province admin's grant names the province."""

    __tablename__ = "role_grants"
    __table_args__ = (
        UniqueConstraint("user_id", "role", "province_code"),
        CheckConstraint(
            "(role = 'province_admin') = (province_code IS NOT NULL)", name="scope"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    province_code: Mapped[str | None] = mapped_column(ForeignKey("provinces.code"))
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="roles", foreign_keys=[user_id])


# Whether the user holds any role, loaded in the statement that loads the user: the menu of
# every page asks whether the user is an administrator, and most users hold no role.
User.has_roles = column_property(exists().where(RoleGrant.user_id == User.id))
