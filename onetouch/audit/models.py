"""One row per administrative action, as it stood when it was done."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from onetouch.db import str_enum, utcnow
from onetouch.extensions import db


class Action(enum.StrEnum):
    ROLE_GRANTED = "role_granted"
    ROLE_REVOKED = "role_revoked"
    REQUIREMENT_CREATED = "requirement_created"
    REQUIREMENT_EDITED = "requirement_edited"
    REQUIREMENT_CANCELLED = "requirement_cancelled"
    CERTIFICATE_REVOKED = "certificate_revoked"
    OFFICIAL_CONFIRMED = "official_confirmed"
    OFFICIAL_REJECTED = "official_rejected"
    ASSISTED_SIGNUP = "assisted_signup"
    PASSWORD_RESET_BY_HELPER = "password_reset_by_helper"  # noqa: S105  (an action name)
    BULK_IMPORT = "bulk_import"
    SESSIONS_ENDED = "sessions_ended"
    ACCOUNT_DELETED = "account_deleted"
    ASSISTED_ENROLMENT = "assisted_enrolment"

    @property
    def label(self) -> str:
        return str(ACTION_LABELS[self])


ACTION_LABELS = {
    Action.ROLE_GRANTED: _l("Cấp vai trò"),
    Action.ROLE_REVOKED: _l("Thu hồi vai trò"),
    Action.REQUIREMENT_CREATED: _l("Giao khóa học bắt buộc"),
    Action.REQUIREMENT_EDITED: _l("Sửa yêu cầu học bắt buộc"),
    Action.REQUIREMENT_CANCELLED: _l("Hủy yêu cầu học bắt buộc"),
    Action.CERTIFICATE_REVOKED: _l("Thu hồi chứng chỉ"),
    Action.OFFICIAL_CONFIRMED: _l("Xác nhận cán bộ"),
    Action.OFFICIAL_REJECTED: _l("Từ chối xác nhận cán bộ"),
    Action.ASSISTED_SIGNUP: _l("Đăng ký giúp người dân"),
    Action.PASSWORD_RESET_BY_HELPER: _l("Đặt lại mật khẩu giúp người dùng"),
    Action.BULK_IMPORT: _l("Nhập danh sách người dùng"),
    Action.SESSIONS_ENDED: _l("Đăng xuất người dùng khỏi mọi thiết bị"),
    Action.ACCOUNT_DELETED: _l("Xóa tài khoản theo yêu cầu về dữ liệu cá nhân"),
    Action.ASSISTED_ENROLMENT: _l("Ghi danh giúp người dân (có sự đồng ý)"),
}


class AuditEntry(db.Model):
    """Names are copied as they were: a later rename or deletion leaves the entry readable."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        # A province's own entries, newest first; and everything said about one target.
        Index("ix_audit_entries_province_at", "province_code", "at"),
        Index("ix_audit_entries_target", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    action: Mapped[Action] = mapped_column(str_enum(Action, "audit_action"))
    # None for the command line, where actor_name says which system account ran it.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                 index=True)
    actor_name: Mapped[str] = mapped_column(String(200))
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int | None]
    target_name: Mapped[str] = mapped_column(String(300))
    # The province the action concerns, None for the whole nation: its admins see its entries.
    province_code: Mapped[str | None] = mapped_column(ForeignKey("provinces.code"))
    details: Mapped[str] = mapped_column(Text, default="")
