"""The JSON-LD contexts that credentials are signed and checked with, served from files.

A JSON-LD processor fetches every context a document names. OneTouch never fetches: the
contexts it uses are bundled in ``contexts/``, each pinned by its sha256 in
``contexts/manifest.json`` (with its source and licence), and checked when first loaded.
Any other URL is refused, so a document cannot make the signer or the verifier reach the
network, nor swap the meaning of a term under a signature.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

from pyld import jsonld

FOLDER = "contexts"
# A vocabulary put before a document's contexts to catch what they leave undefined.
_UNDEFINED = "urn:onetouch:undefined#"
# The vocabulary of VC 2.0's "undefined terms" context: defined in name only, so flagged too.
_ISSUER_DEPENDENT = "https://www.w3.org/ns/credentials/issuer-dependent#"


class ContextError(ValueError):
    """A context that is not bundled, or a bundled file that is not what the manifest pins."""


def folder() -> Traversable:
    return resources.files("onetouch.certificates").joinpath(FOLDER)


def manifest(where: Traversable | None = None) -> list[dict]:
    where = where or folder()
    return json.loads(where.joinpath("manifest.json").read_text(encoding="utf-8"))["contexts"]


def read_bundle(where: Traversable) -> dict[str, dict]:
    """URL -> parsed context, every file checked against its pinned sha256."""
    documents = {}
    for entry in manifest(where):
        raw = where.joinpath(entry["file"]).read_bytes()
        if hashlib.sha256(raw).hexdigest() != entry["sha256"]:
            raise ContextError(f"{entry['file']} does not match the sha256 in the manifest")
        documents[entry["url"]] = json.loads(raw)
    return documents


@cache
def bundled() -> dict[str, dict]:
    """The bundled contexts, read and checked once per process."""
    return read_bundle(folder())


def loader(extra: dict[str, dict] | None = None):
    """A pyld document loader serving the bundled contexts (and ``extra``, for tests that
    check other people's test vectors), and raising for anything else."""
    known = {**bundled(), **(extra or {})}

    def load(url: str, options=None) -> dict:
        if url not in known:
            raise ContextError(f"{url} is not a bundled JSON-LD context")
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
                "document": known[url]}

    return load


def options(load) -> dict:
    # pyld asks the loader for every context URL on every call (its process-wide cache holds
    # only context objects, keyed by their content), so the loader alone decides what loads.
    return {"documentLoader": load, "base": None}


def canonical_nquads(document: dict, load=None) -> str:
    """RDF Dataset Canonicalization (RDFC-1.0, the algorithm pyld names URDNA2015)."""
    try:
        return jsonld.normalize(document, {**options(load or loader()),
                                           "algorithm": "URDNA2015",
                                           "format": "application/n-quads"})
    except jsonld.JsonLdError as error:
        raise ContextError(f"cannot canonicalise: {_root(error)}") from error


def _root(error: BaseException) -> str:
    """The first cause of a pyld error (it wraps them several deep), e.g. a refused URL."""
    while (cause := getattr(error, "cause", None) or error.__cause__) is not None:
        error = cause
    return str(error).split("\n", 1)[0]


def undefined_terms(document: dict, load=None) -> list[str]:
    """The properties and types that the document's own contexts do not define, which a
    JSON-LD processor would drop (so no signature would cover them), and ids that are not
    absolute IRIs. Empty for a document that is safe to sign: the check that jsonld.js runs
    as "safe mode", which pyld lacks."""
    contexts = document.get("@context", [])
    contexts = contexts if isinstance(contexts, list) else [contexts]
    # First, so that a context of the document's own that sets a vocabulary overrides it.
    probe = {**document, "@context": [{"@vocab": _UNDEFINED}, *contexts]}
    try:
        expanded = jsonld.expand(probe, options(load or loader()))
    except jsonld.JsonLdError as error:
        raise ContextError(f"cannot expand: {_root(error)}") from error
    found: list[str] = []
    _walk(expanded, found)
    return sorted({name.removeprefix(_UNDEFINED) for name in found})


def _walk(node, found: list[str]) -> None:
    if isinstance(node, list):
        for item in node:
            _walk(item, found)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key.startswith((_UNDEFINED, _ISSUER_DEPENDENT)):
            found.append(key)
        if key == "@type" and "@value" not in node:
            found.extend(kind for kind in value if _undefined_iri(kind))
        if key == "@id" and _undefined_iri(value):
            found.append(value)
        _walk(value, found)


def _undefined_iri(value: str) -> bool:
    return value.startswith((_UNDEFINED, _ISSUER_DEPENDENT)) or ":" not in value
