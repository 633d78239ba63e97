"""An uploaded file waiting between its preview and its confirmation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from onetouch.db import utcnow
from onetouch.extensions import db


class ImportUpload(db.Model):
    """The parsed rows of one upload, keyed by a random id: kept in the database, not in the
    cookie or on one server's disk, so that any server can show the preview and confirm it.
    Its rows are emptied once it is imported (the accounts hold the data from then on)."""

    __tablename__ = "import_uploads"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"))
    file_name: Mapped[str] = mapped_column(String(200))
    rows: Mapped[list]  # [{"line": "2", "full_name": ..., "phone": ..., ...}, ...]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    confirmed_at: Mapped[datetime | None]
