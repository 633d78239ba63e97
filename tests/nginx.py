"""nginx for the tests, started from the installed binary on the shipped configuration.

``deploy/nginx.conf`` as production uses it, with the four values its "site:" lines mark
replaced by the test's (the same functions that ``make run`` uses); skips the test where nginx
is not installed (.ci/run installs Debian's package).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from deploy.local_nginx import LocalNginx, find_nginx
from tests.postgres import _free_port


@contextmanager
def running_proxy(folder: Path, upstream: str) -> Iterator[str]:
    """nginx on a free loopback port in front of gunicorn at ``upstream`` (``host:port``);
    yields the base URL, and stops nginx afterwards."""
    binary = find_nginx()
    if binary is None:
        pytest.skip("nginx is not installed (.ci/run installs Debian's nginx package)")
    listen = f"127.0.0.1:{_free_port()}"
    proxy = LocalNginx(binary, folder, listen, upstream)
    proxy.start()
    try:
        yield f"http://{listen}"
    finally:
        proxy.stop()
