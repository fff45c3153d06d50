"""Kanji variants that search treats as one character (髙→高, 﨑→崎, 澤→沢, 𠮷→吉).

The table is resources/kanji_variants.tsv, made from Unihan and KANJIDIC2 by
scripts/make_variant_table.py (its header says from what and how). Names are stored as typed; only the
search keys (japanese.search_key) are folded, so 髙橋 is still printed as 髙橋.
"""

from __future__ import annotations

import re
from functools import cache

from app.services.common.resources import resources_dir

TABLE = "kanji_variants.tsv"
# Variation selectors pick a glyph of the same character (IVS: 葛󠄀/葛󠄁), so they never belong in a key.
_SELECTORS = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")


@cache
def _table() -> dict[int, str]:
    # Read once, on the first key made: about 2,200 lines, a millisecond or two.
    folds: dict[int, str] = {}
    for line in (resources_dir() / TABLE).read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            variant, canonical = line.split("\t")
            folds[ord(variant)] = canonical
    return folds


def fold_kanji(text: str) -> str:
    """Each kanji as its group's representative, without variation selectors."""
    return _SELECTORS.sub("", text).translate(_table())
