"""compliance tallies: running counts per commune kept by triggers, for the dashboard

``compliance_people`` counts active learners per (audience, confirmed, province, commune);
``compliance_enrolments`` their live enrolments per course and how many are completed with no
certificate revoked (``onetouch/learning/tallies.py`` says why and holds the recount that
``flask compliance check`` compares them with). Triggers on ``users`` and ``enrolments``
change them in the transaction of the row they count: SQLite triggers and, on PostgreSQL,
PL/pgSQL functions, running the same statements. Each statement adds (or takes away) one
row's share with an upsert, so that concurrent writers of the same commune add up rather
than overwrite. On PostgreSQL a transaction writes to one of 8 shards of a key, by its
transaction id, so that learners of one commune finishing at the same moment seldom wait
for each other's commit (a figure is the sum of its shards); SQLite has one writer at a
time and writes shard 0. The tables are filled from the rows already there, in shard 0.

A migration that rebuilds ``users`` or ``enrolments`` on SQLite (Alembic's batch mode) must
drop these triggers first and make them again.

Revision ID: e5b1c7d9a3f2
Revises: d2a6e8f41c37
Create Date: 2026-12-07 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5b1c7d9a3f2'
down_revision = 'd2a6e8f41c37'
branch_labels = None
depends_on = None

AUDIENCES = ('citizen', 'commune_official', 'it_unit', 'digital_team', 'civil_servant')
KEY = "audience, confirmed, province_code, commune_code, shard"
SHARDS = 8
DONE = ("CASE WHEN {row}.completed_at IS NOT NULL AND {row}.certificate_revoked_at IS NULL "
        "THEN 1 ELSE 0 END")


def _people(sign: str, row: str) -> str:
    """Add (sign 1) or take away (-1) one learner row's share of compliance_people."""
    return (f"INSERT INTO compliance_people ({KEY}, people) "
            f"SELECT {row}.audience, {row}.official_confirmed_at IS NOT NULL, "
            f"{row}.province_code, {row}.commune_code, {{shard}}, {sign} "
            f"WHERE {row}.is_active "
            f"ON CONFLICT ({KEY}) DO UPDATE "
            "SET people = compliance_people.people + excluded.people;")


def _upsert_enrolments(select: str) -> str:
    return (f"INSERT INTO compliance_enrolments (course_id, {KEY}, enrolled, completed) "
            f"{select} ON CONFLICT (course_id, {KEY}) DO UPDATE "
            "SET enrolled = compliance_enrolments.enrolled + excluded.enrolled, "
            "completed = compliance_enrolments.completed + excluded.completed;")


def _enrolments_of(sign: str, row: str) -> str:
    """A learner row's live enrolments, under that row's key (a learner moved or changed)."""
    return _upsert_enrolments(
        f"SELECT e.course_id, {row}.audience, {row}.official_confirmed_at IS NOT NULL, "
        f"{row}.province_code, {row}.commune_code, {{shard}}, {sign} * count(*), "
        f"{sign} * sum({DONE.format(row='e')}) FROM enrolments e "
        f"WHERE e.user_id = {row}.id AND e.left_at IS NULL AND {row}.is_active "
        "GROUP BY e.course_id")


def _enrolment(sign: str, row: str) -> str:
    """One enrolment row's share, under its learner's key."""
    return _upsert_enrolments(
        f"SELECT {row}.course_id, u.audience, u.official_confirmed_at IS NOT NULL, "
        f"u.province_code, u.commune_code, {{shard}}, {sign}, "
        f"{sign} * {DONE.format(row=row)} "
        f"FROM users u WHERE u.id = {row}.user_id AND u.is_active AND {row}.left_at IS NULL")


def _changed(pairs, distinct: str) -> str:
    return " OR ".join(f"{old} {distinct} {new}" for old, new in pairs)


def _user_changed(distinct: str) -> str:
    """What moves a learner's counts: the fields of the key and being active."""
    pairs = [(f"OLD.{name}", f"NEW.{name}") for name in
             ("is_active", "audience", "province_code", "commune_code")]
    pairs.append(("(OLD.official_confirmed_at IS NULL)", "(NEW.official_confirmed_at IS NULL)"))
    return _changed(pairs, distinct)


def _enrolment_changed(distinct: str) -> str:
    pairs = [(f"OLD.{name}", f"NEW.{name}") for name in ("user_id", "course_id")]
    pairs += [("(OLD.left_at IS NULL)", "(NEW.left_at IS NULL)"),
              (DONE.format(row="OLD"), DONE.format(row="NEW"))]
    return _changed(pairs, distinct)


def _user_statements(old: bool, new: bool) -> str:
    taken = _people("-1", "OLD") + " " + _enrolments_of("-1", "OLD") if old else ""
    added = _people("1", "NEW") + " " + _enrolments_of("1", "NEW") if new else ""
    return f"{taken} {added}"


def _enrolment_statements(old: bool, new: bool) -> str:
    return f"{_enrolment('-1', 'OLD') if old else ''} {_enrolment('1', 'NEW') if new else ''}"


SQLITE_TRIGGERS = {
    # name: (table, event, WHEN or None, statements)
    "compliance_users_insert": ("users", "INSERT", None, _user_statements(False, True)),
    "compliance_users_delete": ("users", "DELETE", None, _user_statements(True, False)),
    "compliance_users_update": ("users", "UPDATE", _user_changed("IS NOT"),
                                _user_statements(True, True)),
    "compliance_enrolments_insert": ("enrolments", "INSERT", None,
                                     _enrolment_statements(False, True)),
    "compliance_enrolments_delete": ("enrolments", "DELETE", None,
                                     _enrolment_statements(True, False)),
    "compliance_enrolments_update": ("enrolments", "UPDATE", _enrolment_changed("IS NOT"),
                                     _enrolment_statements(True, True)),
}


def _plpgsql(name: str, statements) -> str:
    taken, added = statements(True, False), statements(False, True)
    return (f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP IN ('UPDATE', 'DELETE') THEN {taken} END IF; "
            f"IF TG_OP IN ('INSERT', 'UPDATE') THEN {added} END IF; "
            "RETURN NULL; END $$")


POSTGRESQL_FUNCTIONS = {"users": ("compliance_users_changed", _user_statements, _user_changed),
                        "enrolments": ("compliance_enrolments_changed", _enrolment_statements,
                                       _enrolment_changed)}


def _key_columns():
    audience = sa.Enum(*AUDIENCES, name='audience', native_enum=False, create_constraint=True,
                       length=32)
    return [sa.Column('audience', audience, nullable=False),
            sa.Column('confirmed', sa.Boolean(), nullable=False),
            sa.Column('province_code', sa.String(length=8), nullable=False),
            sa.Column('commune_code', sa.String(length=8), nullable=False),
            sa.Column('shard', sa.SmallInteger(), nullable=False)]


def _create_tables():
    names = ['audience', 'confirmed', 'province_code', 'commune_code', 'shard']
    op.create_table('compliance_people', *_key_columns(),
                    sa.Column('people', sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint(*names, name=op.f('pk_compliance_people')))
    op.create_table('compliance_enrolments', sa.Column('course_id', sa.Integer(), nullable=False),
                    *_key_columns(),
                    sa.Column('enrolled', sa.Integer(), nullable=False),
                    sa.Column('completed', sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint('course_id', *names,
                                            name=op.f('pk_compliance_enrolments')))


def _create_triggers(dialect: str):
    if dialect == "sqlite":
        for name, (table, event, when, body) in SQLITE_TRIGGERS.items():
            condition = f" WHEN {when}" if when else ""
            op.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table}{condition} "
                       f"BEGIN {body.replace('{shard}', '0')} END")
        return
    for table, (function, statements, changed) in POSTGRESQL_FUNCTIONS.items():
        shard = f"(txid_current() % {SHARDS})"
        op.execute(_plpgsql(function, statements).replace("{shard}", shard))
        op.execute(f"CREATE TRIGGER {function}_rows AFTER INSERT OR DELETE ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION {function}()")
        op.execute(f"CREATE TRIGGER {function}_update AFTER UPDATE ON {table} FOR EACH ROW "
                   f"WHEN ({changed('IS DISTINCT FROM')}) EXECUTE FUNCTION {function}()")


def _fill():
    """The counts of the rows already there (the recount of onetouch/learning/tallies.py)."""
    confirmed = "official_confirmed_at IS NOT NULL"
    key = f"audience, {confirmed}, province_code, commune_code"
    op.execute(f"INSERT INTO compliance_people ({KEY}, people) SELECT {key}, 0, count(*) "
               f"FROM users WHERE is_active GROUP BY {key}")
    user_key = f"u.audience, u.{confirmed}, u.province_code, u.commune_code"
    op.execute(f"INSERT INTO compliance_enrolments (course_id, {KEY}, enrolled, completed) "
               f"SELECT e.course_id, {user_key}, 0, count(*), sum({DONE.format(row='e')}) "
               "FROM enrolments e JOIN users u ON u.id = e.user_id "
               f"WHERE u.is_active AND e.left_at IS NULL GROUP BY e.course_id, {user_key}")


def upgrade():
    dialect = op.get_bind().dialect.name
    _create_tables()
    _create_triggers(dialect)
    _fill()


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for name, (table, *_) in SQLITE_TRIGGERS.items():
            op.execute(f"DROP TRIGGER {name}")
    else:
        for table, (function, *_) in POSTGRESQL_FUNCTIONS.items():
            op.execute(f"DROP TRIGGER {function}_rows ON {table}")
            op.execute(f"DROP TRIGGER {function}_update ON {table}")
            op.execute(f"DROP FUNCTION {function}()")
    op.drop_table('compliance_enrolments')
    op.drop_table('compliance_people')
