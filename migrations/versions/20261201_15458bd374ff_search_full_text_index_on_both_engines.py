"""search: full-text index on both engines

Revision ID: 15458bd374ff
Revises: b061d98a7cf4
Create Date: 2026-12-01 01:18:46.060889

The models do not declare these structures (onetouch/content/search_index.py says why and
how they are queried; migrations/env.py leaves them out of the comparison with the models).
Both engines index the folded ``search_text`` of courses and modules, split into the title
(its first ``length(title)`` characters: folding keeps the length) and the body (after the
one separator the sync puts between them).
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '15458bd374ff'
down_revision = 'b061d98a7cf4'
branch_labels = None
depends_on = None

TABLES = ("courses", "modules")


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
    else:
        _upgrade_sqlite()


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.drop_index(f"ix_{table}_search_vector", table_name=table)
            op.drop_column(table, "search_vector")
    else:
        for table in TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER {table}_search_{event}")
        op.execute("DROP TABLE search_index")
        op.execute("DROP VIEW search_documents")


# PostgreSQL: a generated tsvector per row, title weight A, body weight B, 'simple'
# configuration (no Vietnamese stemmer; the text is folded already). Anything but a-z and
# 0-9 becomes a space first, so that words are cut exactly as FTS5 on SQLite and the
# query parser cut them: the default parser would keep "dichvucong.gov.vn" as one host name.
def _words(text):
    return f"to_tsvector('simple', regexp_replace({text}, '[^a-z0-9]+', ' ', 'g'))"


VECTOR = (
    f"setweight({_words('substr(search_text, 1, char_length(title))')}, 'A') || "
    f"setweight({_words('substr(search_text, char_length(title) + 2)')}, 'B')"
)


def _upgrade_postgresql():
    for table in TABLES:
        # Adding a stored generated column computes it for the existing rows.
        op.add_column(table, sa.Column("search_vector", postgresql.TSVECTOR(),
                                       sa.Computed(VECTOR, persisted=True), nullable=False))
        op.create_index(f"ix_{table}_search_vector", table, ["search_vector"],
                        postgresql_using="gin")


# SQLite: one FTS5 table of the live courses and lessons, with external content (the view
# below), so no text is stored twice. Its rowid is a lesson's id, or a course's id negated.
# Triggers keep it equal to the view: each tells the index what to add and, to forget a row,
# the values it had indexed (an external-content index needs them), computed the same way.
DOCUMENT = {"courses": "-{row}.id", "modules": "{row}.id"}
TITLE = "substr({row}.search_text, 1, length({row}.title))"
BODY = "substr({row}.search_text, length({row}.title) + 2)"
COURSE_LIVE = "(SELECT archived_at FROM courses WHERE id = {row}.course_id) IS NULL"
LIVE = {"courses": "{row}.archived_at IS NULL",
        "modules": "{row}.archived_at IS NULL AND " + COURSE_LIVE}


def _columns(table, row):
    return ", ".join(part.format(row=row) for part in (DOCUMENT[table], TITLE, BODY))


def _add(table, row, condition):
    return (f"INSERT INTO search_index (rowid, title, body) "
            f"SELECT {_columns(table, row)} WHERE {condition};")


def _forget(table, row, condition):
    return (f"INSERT INTO search_index (search_index, rowid, title, body) "
            f"SELECT 'delete', {_columns(table, row)} WHERE {condition};")


def _upgrade_sqlite():
    op.execute(
        "CREATE VIEW search_documents (doc_id, title, body) AS "
        f"SELECT {_columns('courses', 'courses')} FROM courses "
        "WHERE courses.archived_at IS NULL UNION ALL "
        f"SELECT {_columns('modules', 'modules')} FROM modules "
        f"WHERE {LIVE['modules'].format(row='modules')}")
    op.execute("CREATE VIRTUAL TABLE search_index USING fts5(title, body, "
               "content='search_documents', content_rowid='doc_id', "
               "tokenize='unicode61 remove_diacritics 2')")
    for table in TABLES:
        old, new = LIVE[table].format(row="old"), LIVE[table].format(row="new")
        _trigger(table, "INSERT", _add(table, "new", new))
        _trigger(table, "DELETE", _forget(table, "old", old))
        columns = "title, search_text, archived_at" + (", course_id" if table == "modules" else "")
        _trigger(table, f"UPDATE OF {columns}",
                 _forget(table, "old", old) + " " + _add(table, "new", new)
                 + (_course_lessons() if table == "courses" else ""))
    op.execute("INSERT INTO search_index (search_index) VALUES ('rebuild')")


def _course_lessons():
    """A course archived takes its live lessons out of the index; restored, puts them back."""
    lessons = "FROM modules WHERE modules.course_id = new.id AND modules.archived_at IS NULL"
    return (
        f" INSERT INTO search_index (search_index, rowid, title, body) "
        f"SELECT 'delete', {_columns('modules', 'modules')} {lessons} "
        "AND old.archived_at IS NULL AND new.archived_at IS NOT NULL;"
        f" INSERT INTO search_index (rowid, title, body) "
        f"SELECT {_columns('modules', 'modules')} {lessons} "
        "AND old.archived_at IS NOT NULL AND new.archived_at IS NULL;"
    )


def _trigger(table, event, body):
    name = f"{table}_search_{event.split()[0].lower()}"
    op.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN {body} END")
