"""Status lists: the bitstring as the specification encodes it, positions drawn at random and
never shared, lists opened as they fill, and ``flask certificates reissue``."""

from __future__ import annotations

import gzip
import itertools
import json
from types import SimpleNamespace

import pytest
from sqlalchemy import delete, select, update

from onetouch.certificates import bitstring, status
from onetouch.certificates.models import Certificate, StatusEntry, StatusList
from onetouch.db import utcnow
from onetouch.extensions import db
from tests.certificates.documents import download, published, verify

# The example of Bitstring Status List v1.0, section 2.2: an empty list of 131,072 entries.
SPEC_EXAMPLE = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"


def test_the_specifications_example_decodes_to_an_empty_list():
    assert bitstring.decode(SPEC_EXAMPLE) == bitstring.empty() == bytes(16384)


def test_index_zero_is_the_left_most_bit_and_encoding_round_trips():
    bits = bitstring.with_bits(bitstring.empty(), [0, 9, bitstring.SIZE - 1])
    assert (bits[0], bits[1], bits[-1]) == (0x80, 0x40, 0x01)
    assert [i for i in (0, 1, 9, bitstring.SIZE - 1) if bitstring.is_set(bits, i)] == [
        0, 9, bitstring.SIZE - 1]
    encoded = bitstring.encode(bits)
    assert encoded.startswith("u")
    assert "=" not in encoded
    assert bitstring.decode(encoded) == bits
    assert bitstring.encode(bits) == encoded  # the same bits, the same text
    with pytest.raises(IndexError):
        bitstring.with_bits(bits, [bitstring.SIZE])


@pytest.mark.parametrize("text", ["zH4sIAAAA", "u!!!", "u" + "QUJD", "u"])
def test_what_is_not_an_encoded_list_is_refused(text):
    with pytest.raises(ValueError, match="encodedList"):
        bitstring.decode(text)


def test_a_list_that_would_inflate_beyond_reason_is_refused():
    import base64
    bomb = gzip.compress(bytes(bitstring.MAX_BYTES + 1), mtime=0)
    encoded = "u" + base64.urlsafe_b64encode(bomb).decode().rstrip("=")
    with pytest.raises(ValueError, match="more than a status list"):
        bitstring.decode(encoded)


def _entries(app) -> dict[int, tuple[int, int]]:
    with app.app_context():
        rows = db.session.execute(select(StatusEntry.certificate_id, StatusEntry.list_id,
                                         StatusEntry.position)).all()
        return {certificate: (number, position) for certificate, number, position in rows
                if certificate is not None}


def test_a_taken_position_is_never_given_again(app, make_user, factories, synced_library,
                                               monkeypatch):
    draws = iter([5, 5, 5, 9])
    # Only the status list's draws: the statistics draw shards from the same module on PostgreSQL.
    monkeypatch.setattr(status, "secrets", SimpleNamespace(randbelow=lambda _: next(draws)))
    first = factories.issue_certificate(make_user())
    second = factories.issue_certificate(make_user(province="79"))
    assert _entries(app) == {first.id: (1, 5), second.id: (1, 9)}


def test_a_full_list_opens_the_next(app, make_user, factories, synced_library, monkeypatch):
    monkeypatch.setattr(bitstring, "SIZE", 8)
    # Fixed draws: a taken position, then the one free; for the second certificate every draw
    # hits a taken position until the next list is opened. Random draws left the first one a
    # 1-in-70 chance of missing the single free position in all its tries.
    draws = iter([3, 7] + [0] * status.TRIES + [3])
    monkeypatch.setattr(status, "secrets", SimpleNamespace(randbelow=lambda _: next(draws)))
    with app.app_context():
        status.open_list(db.session, 1)
        db.session.add_all(StatusEntry(list_id=1, position=position) for position in range(7))
        db.session.commit()
    first = factories.issue_certificate(make_user())
    second = factories.issue_certificate(make_user(province="79"))
    assert _entries(app) == {first.id: (1, 7), second.id: (2, 3)}
    with app.app_context():
        opened = db.session.get(StatusList, 2)
        assert (opened.size, opened.bits) == (8, bytes(1))
        assert json.loads(opened.document)["id"] == "http://localhost/credentials/status/2"


def _as_before_status_lists(app, revoked_id: int, admin_id: int) -> list[tuple]:
    """Remove every status entry and list, and revoke one certificate the old way (no bit),
    as a database upgraded from before status lists is; the certificates' rows."""
    with app.app_context():
        db.session.execute(delete(StatusEntry))
        db.session.execute(delete(StatusList))
        db.session.execute(update(Certificate).where(Certificate.id == revoked_id).values(
            revoked_at=utcnow(), revoked_reason="Gian lận khi làm bài thi",
            revoked_by_id=admin_id))
        db.session.commit()
        return _rows()


def _rows() -> list[tuple]:
    return [tuple(row) for row in db.session.execute(
        select(Certificate.id, Certificate.number, Certificate.token, Certificate.issued_at)
        .order_by(Certificate.id))]


def test_reissue_upgrades_old_certificates_and_is_safe_to_rerun(
        app, client, runner, make_user, login, factories, synced_library, tmp_path):
    kept, revoked = make_user(), make_user(province="79")
    first, second = factories.issue_certificate(kept), factories.issue_certificate(revoked)
    rows = _as_before_status_lists(app, second.id, make_user(role="ministry_admin"))
    login(client, kept)
    assert "credentialStatus" not in json.loads(download(client, first, tmp_path).read_text())

    result = runner.invoke(args=["certificates", "reissue"])
    assert result.stdout.strip() == "2 status entries allocated, 1 status list(s) signed again"
    with app.app_context():
        assert _rows() == rows  # numbers, tokens and dates as they were
        document = db.session.get(StatusList, 1).document
    assert verify(runner, download(client, first, tmp_path)) == (0, "valid", "")
    login(client, revoked)
    assert verify(runner, download(client, second, tmp_path, "second.json"))[:2] == (1, "revoked")

    again = runner.invoke(args=["certificates", "reissue"])
    assert again.stdout.strip() == "0 status entries allocated, 0 status list(s) signed again"
    with app.app_context():
        assert _rows() == rows
        assert db.session.get(StatusList, 1).document == document
    assert published(client, "http://localhost/credentials/status/1") == json.loads(document)


def test_reissue_signs_again_lists_of_another_address_and_needs_one(app, runner, certified):
    app.config["PUBLIC_URL"] = "https://onetouch.example"
    result = runner.invoke(args=["certificates", "reissue"])
    assert result.stdout.strip() == "0 status entries allocated, 1 status list(s) signed again"
    with app.app_context():
        document = json.loads(db.session.get(StatusList, 1).document)
    assert document["id"] == "https://onetouch.example/credentials/status/1"
    assert {proof["verificationMethod"].split("/credentials/")[0]
            for proof in document["proof"]} == {"https://onetouch.example"}
    app.config["PUBLIC_URL"] = None
    refused = runner.invoke(args=["certificates", "reissue"])
    assert refused.exit_code == 1
    assert "ONETOUCH_PUBLIC_URL" in refused.stderr


def test_positions_are_spread_over_the_list(app, make_user, factories, synced_library):
    """Drawn at random: three certificates in a row do not sit side by side."""
    users = [make_user(province=code) for code in ("01", "79", "48")]
    for user in users:
        factories.issue_certificate(user)
    positions = sorted(position for _, position in _entries(app).values())
    assert len(set(positions)) == 3
    assert any(b - a > 1 for a, b in itertools.pairwise(positions))
