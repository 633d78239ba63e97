"""A device's name for the sessions page, from its User-Agent: "Chrome · Android".

Only the browser and the system, which is what a person recognises; versions and the rest of
the string are dropped, so the label says little about the person and fits its column. Stored as
names without words, so it reads the same in every language of the interface.
"""

from __future__ import annotations

# The first that matches names it: in-app browsers and Chromium's offspring before Chrome, which
# they all claim to be, and Chrome before Safari, which Chrome claims to be too.
BROWSERS = (("Zalo", "Zalo"), ("FBAN", "Facebook"), ("FB_IAB", "Facebook"),
            ("coc_coc_browser", "Cốc Cốc"), ("Edg", "Edge"), ("OPR", "Opera"),
            ("SamsungBrowser", "Samsung Internet"), ("Firefox", "Firefox"),
            ("FxiOS", "Firefox"), ("CriOS", "Chrome"), ("Chrome", "Chrome"),
            ("Safari", "Safari"))
SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"),
           ("Windows", "Windows"), ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"),
           ("Linux", "Linux"))
MAX_LENGTH = 120


def _first(user_agent: str, known: tuple[tuple[str, str], ...]) -> str | None:
    return next((name for token, name in known if token in user_agent), None)


def label(user_agent: str | None) -> str:
    """The browser and the system, "" when neither is known (the page then says so)."""
    agent = user_agent or ""
    names = [name for name in (_first(agent, BROWSERS), _first(agent, SYSTEMS)) if name]
    return " · ".join(names)[:MAX_LENGTH]
