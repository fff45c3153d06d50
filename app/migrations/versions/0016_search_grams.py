"""search by indexed lookups only: search_grams for words inside 呼び名, address and phones

A word inside a 呼び名 or address, and digits inside a phone number, were found by LIKE '%word%' over
every household (and every person with a phone): 15–20 ms at 50,000 households for each search, whatever
was typed. search_grams holds pieces of those keys (every 4-character window of label_key and address_key,
every suffix of each phone_key) under one covering index, so the same matches are one indexed range.

SQL triggers on households and persons write search_grams, so every path that changes a key keeps them
in step (the ORM, raw SQL, later migrations); the rows of the existing keys are written here the same way.
The name and kana key indexes carry household_id (covering: a name search never reads persons rows), and
the indexes that only served the LIKE scans (address_key, the two phone_key ones) go.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 12:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

TEXT, PHONE = 0, 1
WIDTH = 4  # models.people.SearchGram.GRAM_WIDTH as of this revision


def _positions(value: str) -> str:
    # SQLite allows no WITH RECURSIVE inside a trigger: json_each over a JSON array of length(value) zeros
    # ('[0,0,…]', built from a zeroblob's hex) gives the character positions 0 … length − 1.
    return f"json_each('[' || substr(replace(hex(zeroblob(length({value}))), '00', ',0'), 2) || ']')"


def _text_grams(row: str) -> str:
    """Every WIDTH-character window (the last ones shorter) of the row's label_key and address_key."""
    return (
        f"SELECT substr(k.v, p.key + 1, {WIDTH}) AS gram "
        f"FROM (SELECT {row}.label_key AS v UNION ALL SELECT {row}.address_key) AS k, {_positions('k.v')} AS p"
    )


def _phone_grams(row: str) -> str:
    """Every suffix of the row's phone_key (digits; a person's two numbers are separated by a space,
    which no digit search contains, so no suffix starts there)."""
    return (
        f"SELECT substr({row}.phone_key, p.key + 1) AS gram FROM {_positions(f'{row}.phone_key')} AS p "
        f"WHERE substr({row}.phone_key, p.key + 1, 1) != ' '"
    )


def _household_rows(row: str) -> str:
    return (
        f"INSERT INTO search_grams (household_id, person_id, field, gram) "
        f"SELECT {row}.id, 0, {TEXT}, gram FROM ({_text_grams(row)}); "
        f"INSERT INTO search_grams (household_id, person_id, field, gram) "
        f"SELECT {row}.id, 0, {PHONE}, gram FROM ({_phone_grams(row)});"
    )


def _household_rows_gone(row: str) -> str:
    # By the grams themselves (the index's leading columns), not by household: no index on household_id.
    return (
        f"DELETE FROM search_grams WHERE field = {TEXT} AND gram IN ({_text_grams(row)}) "
        f"AND household_id = {row}.id AND person_id = 0; "
        f"DELETE FROM search_grams WHERE field = {PHONE} AND gram IN ({_phone_grams(row)}) "
        f"AND household_id = {row}.id AND person_id = 0;"
    )


def _person_rows(row: str) -> str:
    return (
        f"INSERT INTO search_grams (household_id, person_id, field, gram) "
        f"SELECT {row}.household_id, {row}.id, {PHONE}, gram FROM ({_phone_grams(row)});"
    )


def _person_rows_gone(row: str) -> str:
    return (
        f"DELETE FROM search_grams WHERE field = {PHONE} AND gram IN ({_phone_grams(row)}) "
        f"AND household_id = {row}.household_id AND person_id = {row}.id;"
    )


TRIGGERS = {
    'search_grams_household_insert': f"AFTER INSERT ON households BEGIN {_household_rows('new')} END",
    'search_grams_household_update': (
        "AFTER UPDATE OF label_key, address_key, phone_key ON households "
        "WHEN old.label_key IS NOT new.label_key OR old.address_key IS NOT new.address_key "
        "OR old.phone_key IS NOT new.phone_key "
        f"BEGIN {_household_rows_gone('old')} {_household_rows('new')} END"
    ),
    'search_grams_household_delete': f"AFTER DELETE ON households BEGIN {_household_rows_gone('old')} END",
    'search_grams_person_insert': f"AFTER INSERT ON persons BEGIN {_person_rows('new')} END",
    'search_grams_person_update': (
        "AFTER UPDATE OF phone_key, household_id ON persons "
        "WHEN old.phone_key IS NOT new.phone_key OR old.household_id IS NOT new.household_id "
        f"BEGIN {_person_rows_gone('old')} {_person_rows('new')} END"
    ),
    'search_grams_person_delete': f"AFTER DELETE ON persons BEGIN {_person_rows_gone('old')} END",
}

KEY_INDEXES = ('name_key', 'kana_key', 'given_key', 'given_kana_key')


def upgrade() -> None:
    op.create_table(
        'search_grams',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('household_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('field', sa.Integer(), nullable=False),
        sa.Column('gram', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_search_grams')),
    )
    # The existing keys' rows, the triggers' windows and suffixes for every row at once; the index comes
    # after, built once instead of kept in order row by row.
    keys = "SELECT id, label_key AS v FROM households UNION ALL SELECT id, address_key FROM households"
    op.execute(
        f"INSERT INTO search_grams (household_id, person_id, field, gram) "
        f"SELECT k.id, 0, {TEXT}, substr(k.v, p.key + 1, {WIDTH}) FROM ({keys}) AS k, {_positions('k.v')} AS p"
    )
    for table, household, person in (('households', 't.id', '0'), ('persons', 't.household_id', 't.id')):
        op.execute(
            f"INSERT INTO search_grams (household_id, person_id, field, gram) "
            f"SELECT {household}, {person}, {PHONE}, substr(t.phone_key, p.key + 1) "
            f"FROM {table} AS t, {_positions('t.phone_key')} AS p WHERE substr(t.phone_key, p.key + 1, 1) != ' '"
        )
    op.create_index('ix_search_grams_field_gram_household_id', 'search_grams', ['field', 'gram', 'household_id'])
    for name, body in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")
    for column in KEY_INDEXES:
        op.drop_index(f'ix_persons_{column}', table_name='persons')
        op.create_index(f'ix_persons_{column}_household_id', 'persons', [column, 'household_id'])
    op.drop_index('ix_persons_phone_key', table_name='persons')
    op.drop_index('ix_households_phone_key', table_name='households')
    op.drop_index('ix_households_address_key', table_name='households')


def downgrade() -> None:
    op.create_index('ix_households_address_key', 'households', ['address_key'])
    op.create_index('ix_households_phone_key', 'households', ['phone_key'], sqlite_where=sa.text("phone_key != ''"))
    op.create_index(
        'ix_persons_phone_key', 'persons', ['phone_key', 'household_id'], sqlite_where=sa.text("phone_key != ''")
    )
    for column in KEY_INDEXES:
        op.drop_index(f'ix_persons_{column}_household_id', table_name='persons')
        op.create_index(f'ix_persons_{column}', 'persons', [column])
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER {name}")
    op.drop_index('ix_search_grams_field_gram_household_id', table_name='search_grams')
    op.drop_table('search_grams')
