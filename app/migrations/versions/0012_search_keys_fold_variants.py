"""search keys fold kanji variants, long-vowel marks and ヴ; the address gets a key of its own

高橋 now finds 髙橋 (and 﨑/崎, 齋/斎, 邊/辺, 濱/浜, 澤/沢, 𠮷/吉 …), ヴァ finds バ and ー/－/〜 are one mark, so
every stored name, kana and 呼び名 key is computed again; address_key lets a word anywhere in an address be
found with the same folding (its index replaces the one on the raw address).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 12:00:00
"""

import re
import unicodedata
from pathlib import Path

import jaconv
import sqlalchemy as sa
from alembic import op


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

BATCH = 5000
# The variant table is data the app ships, read here rather than copied: the versions folder sits three
# levels below the folder holding resources/, in the checkout and in the installed bundle alike. A later
# release that regenerates the table adds its own migration recomputing the keys, so reading the newer
# table here only computes keys that migration rewrites; renaming the file would break this, which
# tests/test_migrations.py (every old fixture migrated to head) would show.
VARIANTS = Path(__file__).resolve().parents[3] / "resources" / "kanji_variants.tsv"
_SELECTORS = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")
_SPACES = re.compile(r"\s+")
_LONG_VOWEL = re.compile("[ー\\-~〜‐‑‒–—―−]")
_VU = {"ヴァ": "バ", "ヴィ": "ビ", "ヴェ": "ベ", "ヴォ": "ボ", "ヴュ": "ビュ", "ヴ": "ブ"}
_VU |= dict(zip("ヷヸヹヺ", "バビベボ", strict=True))
_VU_SPELLING = re.compile("|".join(sorted(_VU, key=len, reverse=True)))


def _variants():
    folds = {}
    for line in VARIANTS.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            variant, canonical = line.split("\t")
            folds[ord(variant)] = canonical
    return folds


def _key_function():
    # Frozen copy of app.services.common.japanese.search_key (and variants.fold_kanji) as of this
    # revision: migrations never import the services, whose code moves on.
    folds = _variants()

    def search_key(text):
        text = _SELECTORS.sub("", unicodedata.normalize("NFKC", text or "")).translate(folds)
        text = _SPACES.sub("", jaconv.hira2kata(text))
        text = _VU_SPELLING.sub(lambda m: _VU[m.group()], _LONG_VOWEL.sub("ー", text))
        return text.casefold()

    def given(text):
        parts = unicodedata.normalize("NFKC", text or "").strip().split(None, 1)
        return search_key(parts[1]) if len(parts) == 2 else ""

    return search_key, given


def _recompute(conn, table, columns, keys):
    # In id order, a batch at a time, so a town's 50,000 people never sit in memory at once.
    last_id = 0
    while True:
        rows = conn.exec_driver_sql(
            f"SELECT id, {', '.join(columns)} FROM {table} WHERE id > ? ORDER BY id LIMIT ?", (last_id, BATCH)
        ).fetchall()
        if not rows:
            break
        names = list(keys)
        conn.exec_driver_sql(
            f"UPDATE {table} SET {', '.join(f'{n} = ?' for n in names)} WHERE id = ?",
            [tuple(keys[n](row) for n in names) + (row[0],) for row in rows],
        )
        last_id = rows[-1][0]


def upgrade() -> None:
    with op.batch_alter_table('households') as batch:
        batch.drop_index('ix_households_address')
        batch.add_column(sa.Column('address_key', sa.Text(), nullable=False, server_default=''))
        batch.create_index('ix_households_address_key', ['address_key'], unique=False)
    key, given = _key_function()
    conn = op.get_bind()
    _recompute(conn, 'persons', ('name', 'kana'), {
        'name_key': lambda r: key(r[1]),
        'kana_key': lambda r: key(r[2]),
        'given_key': lambda r: given(r[1]),
        'given_kana_key': lambda r: given(r[2]),
    })
    _recompute(conn, 'households', ('label', 'address'), {
        'label_key': lambda r: key(r[1]),
        'address_key': lambda r: key(r[2]),
    })


def downgrade() -> None:
    # The keys stay folded: 0011's search reads them as they are, and only finds more.
    with op.batch_alter_table('households') as batch:
        batch.drop_index('ix_households_address_key')
        batch.drop_column('address_key')
        batch.create_index('ix_households_address', ['address'], unique=False)
