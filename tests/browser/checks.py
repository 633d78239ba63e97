"""What the browser tests check on a page: accessibility (axe-core), width at 360 px, the bytes
of a first visit, the origins it reaches; and the screenshots kept for review."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
# axe-core, from the npm registry at the version of package-lock.json (`make browser`);
# injected from this file, so that no page ever loads it from a CDN.
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
# Written by every run for a person to look at; ignored by git.
SCREENSHOTS = HERE / "screenshots"
BLOCKING = ("serious", "critical")
# A cheap phone, and a common laptop.
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1366, "height": 768}

_AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}));
}"""

# What sticks out at the right, outermost first: elements whose parent fits and they do not,
# and text that runs out of its box (a long word or address that cannot wrap).
_OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const scroll = document.documentElement.scrollWidth;
  const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (el.classList.length ? "." + [...el.classList].join(".") : "");
  const out = right => right > width + 0.5;
  // Inside a box that scrolls or clips (a wide table in its own scrolling box) is fine.
  const boxed = from => {
    for (let up = from; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  const over = [];
  if (scroll > width) {
    for (const el of document.body.querySelectorAll("*")) {
      const right = el.getBoundingClientRect().right;
      if (out(right) && !out(el.parentElement.getBoundingClientRect().right)
          && !boxed(el.parentElement)) {
        over.push(name(el) + " reaches " + Math.round(right) + " px");
      }
    }
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      range.selectNodeContents(node);
      const right = range.getBoundingClientRect().right;
      if (out(right) && !out(node.parentElement.getBoundingClientRect().right)
          && !boxed(node.parentElement)) {
        over.push("text in " + name(node.parentElement) + " reaches " + Math.round(right)
          + " px: " + JSON.stringify(node.textContent.trim().slice(0, 60)));
      }
    }
  }
  return {width, scroll, over: over.slice(0, 8)};
}"""


def axe_violations(page) -> list[str]:
    """The serious and critical axe-core violations of the page as it is now, one line each."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate(_AXE_RUN)
    return [f"{v['impact']} {v['id']} ({v['help']}): {', '.join(v['nodes'])}"
            for v in found if v["impact"] in BLOCKING]


def horizontal_overflow(page) -> str | None:
    """None when the page fits its viewport's width; else what sticks out."""
    seen = page.evaluate(_OVERFLOW)
    if seen["scroll"] <= seen["width"]:
        return None
    return (f"{seen['scroll']} px wide in a {seen['width']} px viewport: "
            + "; ".join(seen["over"]))


def screenshot(page, name: str) -> Path:
    """The whole page as a PNG under screenshots/, for review."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^a-z0-9-]+', '-', name.lower())}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@dataclass
class OriginGuard:
    """Every request a browser context makes, held against the site's own origin."""

    base: str
    foreign: list[str] = field(default_factory=list)

    def allowed(self, url: str) -> bool:
        # file: is a file the test opened itself (a downloaded course); a page from the site
        # cannot reach one.
        return url == self.base or url.startswith((f"{self.base}/", "data:", "blob:", "about:",
                                                   "file:"))

    def see(self, request) -> None:
        if not self.allowed(request.url):
            self.foreign.append(request.url)

    def check(self) -> None:
        assert not self.foreign, f"requests to another origin: {self.foreign}"


def open_context(browser, base: str, **options):
    """A browser context on the site (its own cookies, an empty cache) and the guard that
    sees its requests; Playwright's ``new_context`` options pass through."""
    context = browser.new_context(base_url=base, locale="vi-VN", **options)
    context.set_default_timeout(15_000)
    guard = OriginGuard(base)
    context.on("request", guard.see)
    return context, guard


@dataclass
class Transfer:
    url: str
    status: int
    bytes: int  # headers and body as they crossed the wire (the body compressed if it was)


@dataclass
class Visit:
    page: object  # as the visit left it
    transfers: list[Transfer]

    @property
    def bytes(self) -> int:
        return sum(transfer.bytes for transfer in self.transfers)

    def describe(self) -> str:
        return ", ".join(f"{t.url.split('/', 3)[-1] or '/'} {t.bytes} B" for t in self.transfers)


class FirstVisits:
    """A browser with its cache turned off, as DevTools' "Disable cache" does: each visit
    costs what a first visit costs, without a new browser context for each (which takes
    longer than the visit)."""

    def __init__(self, context) -> None:
        self.page = context.new_page()
        devtools = context.new_cdp_session(self.page)
        devtools.send("Network.enable")
        devtools.send("Network.setCacheDisabled", {"cacheDisabled": True})
        self.asked: list = []
        self.done: list = []
        self.page.on("request", lambda request: self.asked.append(request))
        self.page.on("requestfinished", lambda request: self.done.append(request))
        self.page.on("requestfailed", lambda request: self.done.append(request))

    def visit(self, path: str) -> Visit:
        """Every response of a visit until the network is quiet (the page, its styles,
        scripts and the images it shows, lazy ones included), with its bytes."""
        self.asked.clear()
        self.done.clear()
        response = self.page.goto(path, wait_until="load")
        assert response is not None, path
        assert response.ok, f"{path}: {response.status}"
        self._settle()
        answered = {id(request) for request in self.done}
        return Visit(self.page, [_transfer(request) for request in self.asked
                                 if id(request) in answered and request.failure is None])

    def _settle(self, quiet_ms: int = 100) -> None:
        """Wait until every request of this visit has its answer and no new one came for
        ``quiet_ms``: images that load lazily are asked for just after the load event (and
        Playwright's own "networkidle" waits 500 ms a page). A late answer to the previous
        visit is not counted: only the requests asked since this visit began are."""
        asked = -1
        for _ in range(50):
            answered = {id(request) for request in self.done}
            pending = [request for request in self.asked if id(request) not in answered]
            if len(self.asked) == asked and not pending:
                return
            asked = len(self.asked)
            self.page.wait_for_timeout(quiet_ms)


def _transfer(request) -> Transfer:
    sizes = request.sizes()
    response = request.response()
    return Transfer(request.url, response.status if response else 0,
                    sizes["responseHeadersSize"] + sizes["responseBodySize"])
