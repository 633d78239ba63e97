"""Helpers for the credential tests: download a learner's credential, read what OneTouch
publishes, and run ``flask certificates verify``."""

from __future__ import annotations

import json
from pathlib import Path

from onetouch.certificates import verifier

ORIGIN = "http://localhost"


def download(client, certificate, folder: Path, name: str = "credential.json") -> Path:
    response = client.get(f"/my/certificates/{certificate.number}/credential.json")
    assert response.status_code == 200
    assert response.mimetype == "application/vc+ld+json"
    path = folder / name
    path.write_bytes(response.data)
    return path


def published(client, url: str) -> dict:
    """What anyone gets at a published address (the test client stands for the network)."""
    assert url.startswith(ORIGIN + "/"), url
    response = client.get(url.removeprefix(ORIGIN))
    assert response.status_code == 200, url
    return json.loads(response.data)


def resolver(client):
    """A ``verifier`` resolver that fetches over HTTP, as an outside verifier would."""
    def resolve(url):
        if not isinstance(url, str) or not url.startswith(ORIGIN + "/"):
            raise verifier.Unretrievable(url)
        return published(client, url)
    return resolve


def verify(runner, path: Path, *options: str) -> tuple[int, str, str]:
    result = runner.invoke(args=["certificates", "verify", str(path), *options])
    return result.exit_code, result.stdout.strip(), result.stderr.strip()


def save(document: dict, folder: Path, name: str) -> Path:
    path = folder / name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path
