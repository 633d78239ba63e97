"""users: a word index of the folded names, for admins' learner search on SQLite

A name search asks that each word typed begins a word of ``users.search_name``. With only the
name's B-tree, a nationwide search walks the index in name order, testing each row, until a
page fills: for a common family name with rarer other words, hundreds of thousands of rows
(``benchmarks/README.md``). On SQLite an FTS5 table, ``user_names``, with external content
(``users`` itself, so no name is stored twice) answers the words as prefixes from the index:
the search then reads only the accounts holding all of them. Triggers keep it equal to
``users`` on insert, delete and a change of ``search_name`` (a rename, an erasure); other
updates of a user (a log-in) do not touch it. ``detail='none'``: prefixes of words are all it
is asked, so positions are not kept. Every word typed is a prefix, so prefixes of 1 to 7
letters (the length of nearly every Vietnamese word) are indexed too: "nguyen*" is then read
as one list, not merged from every word that begins so (at a million learners a three-word
name took 4 ms instead of 23 ms; the index grew from 3 to 14 MB).

PostgreSQL: nothing here; the search keeps its ``LIKE`` conditions there
(``onetouch/learners/services.py``). A migration that rebuilds ``users`` on SQLite (Alembic's
batch mode) must drop the triggers first and make them again.

Revision ID: 9d2f6b8e4c17
Revises: b7e3c91d4a20
Create Date: 2026-12-06 09:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '9d2f6b8e4c17'
down_revision = 'b7e3c91d4a20'
branch_labels = None
depends_on = None

ADD = "INSERT INTO user_names (rowid, search_name) VALUES (new.id, new.search_name);"
FORGET = ("INSERT INTO user_names (user_names, rowid, search_name) "
          "VALUES ('delete', old.id, old.search_name);")
TRIGGERS = {"users_names_insert": ("INSERT", ADD), "users_names_delete": ("DELETE", FORGET),
            "users_names_update": ("UPDATE OF search_name", FORGET + " " + ADD)}


def upgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("CREATE VIRTUAL TABLE user_names USING fts5(search_name, content='users', "
               "content_rowid='id', tokenize='unicode61 remove_diacritics 2', detail='none', "
               "prefix='1 2 3 4 5 6 7')")
    for name, (event, body) in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} AFTER {event} ON users BEGIN {body} END")
    op.execute("INSERT INTO user_names (user_names) VALUES ('rebuild')")


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER {name}")
    op.execute("DROP TABLE user_names")
