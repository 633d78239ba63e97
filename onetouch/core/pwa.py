"""What makes the site an installable app: the web manifest and the service worker's source.

The service worker (static/js/sw.js) is served from the site's root, so that its scope covers
every page. Its cache of static files is named after a digest of the static folder: any change
to a stylesheet, script or icon makes a new worker, which drops the old files on activation.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

SERVICE_WORKER = "js/sw.js"
VERSION_MARK = "__STATIC_VERSION__"
THEME_COLOR = "#b3261e"  # --brand in site.css
ICONS = (  # (file under static/, sizes, type, purpose)
    ("icons/icon.svg", "any", "image/svg+xml", "any"),
    ("icons/icon-192.png", "192x192", "image/png", "any"),
    ("icons/icon-512.png", "512x512", "image/png", "any"),
    ("icons/icon-maskable-512.png", "512x512", "image/png", "maskable"),
)


@cache
def static_version(folder: str) -> str:
    """A digest of every file under ``folder`` (names and contents), computed once a process."""
    digest = hashlib.sha256()
    root = Path(folder)
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def service_worker(folder: str) -> str:
    """The worker's source with the version of the static files written in."""
    source = (Path(folder) / SERVICE_WORKER).read_text(encoding="utf-8")
    return source.replace(VERSION_MARK, static_version(folder))


def manifest(name: str, short_name: str, description: str, lang: str, start_url: str,
             icon_url) -> dict:
    """The web app manifest; ``icon_url(file)`` gives a static file's address."""
    return {
        "name": name,
        "short_name": short_name,
        "description": description,
        "lang": lang,
        "dir": "ltr",
        "start_url": start_url,
        "scope": start_url,
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOR,
        "icons": [{"src": icon_url(file), "sizes": sizes, "type": kind, "purpose": purpose}
                  for file, sizes, kind, purpose in ICONS],
    }
