"""Files beside the lessons (images, PDFs): found, checked and hashed at sync time."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

MAX_ASSET_BYTES = 2 * 1024 * 1024
CONTENT_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
    ".pdf": "application/pdf",
}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg"}
# An SVG opened on its own is a document that can run script: refuse anything active.
_ACTIVE_SVG = re.compile(rb"<\s*script|<\s*foreignObject|\son[a-z]+\s*=|javascript:|<\s*iframe",
                         re.IGNORECASE)


@dataclass(frozen=True)
class AssetSource:
    path: str  # relative to the course folder, with forward slashes
    content_type: str
    data: bytes
    sha256: str

    def url(self) -> str:
        # Relative to the lesson page, so the site works under any URL prefix; the version
        # makes the URL change with the content, so browsers may cache it for a year.
        return f"assets/{self.path}?v={self.sha256[:12]}"


class AssetError(Exception):
    pass


class Assets:
    """The assets one course references, each read once."""

    def __init__(self, course_dir: Path) -> None:
        self.root = course_dir.resolve()
        self.found: dict[str, AssetSource] = {}

    def get(self, relative: str, image: bool) -> AssetSource:
        target = (self.root / relative).resolve()
        if not target.is_relative_to(self.root):
            raise AssetError(f"'{relative}' points outside the course folder")
        if not target.is_file():
            raise AssetError(f"'{relative}' does not exist")
        key = target.relative_to(self.root).as_posix()
        if key not in self.found:
            self.found[key] = self._read(target, key)
        asset = self.found[key]
        if image and not asset.content_type.startswith("image/"):
            raise AssetError(f"'{relative}' is not an image (PNG, JPEG, GIF, WebP or SVG)")
        return asset

    def _read(self, target: Path, key: str) -> AssetSource:
        content_type = CONTENT_TYPES.get(target.suffix.lower())
        if content_type is None:
            allowed = ", ".join(sorted(CONTENT_TYPES))
            raise AssetError(f"'{key}' has a file type that is not served ({allowed})")
        data = target.read_bytes()
        if len(data) > MAX_ASSET_BYTES:
            raise AssetError(f"'{key}' is larger than {MAX_ASSET_BYTES // (1024 * 1024)} MB")
        if content_type == "image/svg+xml" and _ACTIVE_SVG.search(data):
            raise AssetError(f"'{key}' contains script, event handlers or embedded pages")
        return AssetSource(key, content_type, data, hashlib.sha256(data).hexdigest())
