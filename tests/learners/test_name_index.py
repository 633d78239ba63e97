"""The word index of names behind a name search on SQLite (``user_names``, migration
9d2f6b8e4c17) stays equal to ``users`` on insert, rename and erasure, and the search answers
the same through it; on PostgreSQL the search has no such index and answers the same."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from onetouch.accounts.models import User
from onetouch.extensions import db
from onetouch.learners import services
from onetouch.privacy.erasure import Reason, delete_account
from tests.learners.conftest import listed


def _indexed(word: str) -> list[int]:
    """The ids FTS5 holds for names with a word beginning with ``word``."""
    return sorted(db.session.scalars(text(
        "SELECT rowid FROM user_names WHERE user_names MATCH :match"),
        {"match": f'"{word}"*'}))


def _in_step() -> None:
    """FTS5 compares its index with the rows of ``users`` (raises if they differ)."""
    db.session.execute(text(
        "INSERT INTO user_names (user_names, rank) VALUES ('integrity-check', 1)"))


@pytest.fixture
def sqlite_only(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("the word index of names is SQLite's (PostgreSQL walks the B-tree)")


def test_new_accounts_are_indexed(app, world, sqlite_only):
    with app.app_context():
        assert _indexed("hoa") == sorted([world["hoa"], world["hcm"]])
        assert _indexed("ph") == [world["official"]]  # "Phạm Quốc Phùng"
        _in_step()


def test_a_rename_moves_the_learner_in_the_index_and_the_search(app, as_admin, world,
                                                                sqlite_only):
    with app.app_context():
        db.session.get(User, world["hoa"]).full_name = "Đỗ Thị Khánh"
        db.session.commit()
        assert _indexed("hoa") == [world["hcm"]]
        assert _indexed("khanh") == [world["hoa"]]
        _in_step()
    assert listed(as_admin.get("/admin/learners?q=khanh")) == [world["hoa"]]
    assert listed(as_admin.get("/admin/learners?q=nguyen thi hoa")) == []


def test_an_erased_account_leaves_no_name_in_the_index(app, as_admin, world, sqlite_only):
    with app.app_context():
        delete_account(db.session, db.session.get(User, world["chau"]), Reason.REQUEST)
        db.session.commit()
        assert _indexed("chau") == []
        _in_step()
    assert listed(as_admin.get("/admin/learners?q=chau")) == []


def test_a_login_does_not_touch_the_index(app, world, sqlite_only):
    """Only a change of the folded name rewrites its entry (the trigger is on that column)."""
    with app.app_context():
        before = db.session.scalar(text("SELECT count(*) FROM user_names_data"))
        user = db.session.get(User, world["hung"])
        user.last_login_at = user.created_at
        db.session.commit()
        assert db.session.scalar(text("SELECT count(*) FROM user_names_data")) == before
        _in_step()


@pytest.mark.parametrize("limit", [0, services.NAME_INDEX_LIMIT])
@pytest.mark.parametrize("text_", ["nguyen hoa", "thi", "v hoa"])
def test_several_words_each_begin_a_word_of_the_name(as_ministry, world, monkeypatch, limit,
                                                     text_):
    """The words are ANDed, each a prefix of some word, on either engine, whether the
    matches are read from the word index (few) or found by walking the names (many)."""
    monkeypatch.setattr(services, "NAME_INDEX_LIMIT", limit)
    expected = {"nguyen hoa": [world["hoa"]], "thi": [world["hoa"], world["hcm"]],
                "v hoa": [world["hcm"]]}[text_]
    assert sorted(listed(as_ministry.get("/admin/learners", query_string={"q": text_}))) \
        == sorted(expected)
