"""Build resources/kanji_variants.tsv, the kanji variant table the search key folds by (髙→高, 﨑→崎, 澤→沢).

The table is made from published tables, never typed by hand, so that what folds together can be
checked and regenerated:

* Unihan (Debian package ``unicode-data``: /usr/share/unicode/Unihan_*.txt.bz2): kZVariant and
  kSemanticVariant (same character, other shape or usage), and kJinmeiyoKanji's ``2010:U+xxxx`` form
  (the 旧字体 that the 人名用漢字 list names as a variant of a 常用漢字, e.g. 齊→斉).
* KANJIDIC2 (Debian package ``kanjidic-xml``: /usr/share/edict/kanjidic2.xml.gz, EDRDG licence,
  CC BY-SA 4.0): the <variant> cross-references given as JIS X 0208/0212/0213 or UCS codes. Unihan
  15.0 lacks many Japanese 新字体/旧字体 pairs (沢/澤, 浜/濱, 辺/邊/邉, 斎/齋) that KANJIDIC2 has.
* kSpoofingVariant, only between two characters with the same radical and residual strokes
  (kRSUnicode) and the same total strokes, one of them a 常用/人名用 kanji and the other with no Japanese
  source (kIRG_JSource): a shape of a Japanese kanji that Japanese character sets do not hold apart,
  such as 𠮷 (吉 with a longer lower stroke), which Unihan 15.0 links to 吉 in no other field.

Characters that NFKC changes (CJK compatibility ideographs with a decomposition) are taken at their
NFKC form, since the key applies NFKC first. Only characters of a Japanese character set (a Unihan J
source, JIS, IBM Japan, or KANJIDIC2) and the spoofing shapes above take part. The links are joined best
attested first, and a link that would put two kanji in their own right (常用, or 人名用 other than a
旧字体) in one group is refused, so 暦/歴 and 崎/埼 stay apart. Each group folds to one representative: a
常用漢字 if there is one, else a 人名用漢字, else a JIS X 0208 character, else the lowest code point.

    python scripts/make_variant_table.py            # writes resources/kanji_variants.tsv
    python scripts/make_variant_table.py --stats    # also prints the biggest components

Changing the table changes every stored search key: a release that regenerates it needs a migration
recomputing the keys (as app/migrations/versions/0012_search_keys_fold_variants.py does).
"""

from __future__ import annotations

import argparse
import bz2
import gzip
import re
import sys
import unicodedata
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UNIHAN = Path("/usr/share/unicode")
KANJIDIC2 = Path("/usr/share/edict/kanjidic2.xml.gz")
OUT = ROOT / "resources" / "kanji_variants.tsv"

UNIHAN_FIELDS = ("kZVariant", "kSemanticVariant")
KANJIDIC_TYPES = ("jis208", "jis212", "jis213", "ucs")
# Unified and compatibility ideographs; Unihan lists nothing else, but the spoofing lists name radicals.
CJK = (
    (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3134F), (0x2F800, 0x2FA1F),
)


def is_cjk(ch: str) -> bool:
    return any(lo <= ord(ch) <= hi for lo, hi in CJK)


def char(code: str) -> str:
    return chr(int(code.split("<")[0][2:], 16))


def unihan_rows(name: str):
    with bz2.open(UNIHAN / f"{name}.txt.bz2", "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            code, field, value = line.rstrip("\n").split("\t", 2)
            yield char(code), field, value


def unihan_version() -> str:
    with bz2.open(UNIHAN / "Unihan_Variants.txt.bz2", "rt", encoding="utf-8") as f:
        for line in f:
            if m := re.match(r"# Unicode version: (\S+)", line):
                return m.group(1)
    raise SystemExit("Unihan_Variants.txt has no version line")


def kanjidic2_pairs() -> tuple[str, list[tuple[str, str]], set[str]]:
    with gzip.open(KANJIDIC2) as f:
        root = ET.parse(f).getroot()
    version = root.findtext("header/database_version") or "?"
    by_code: dict[tuple[str, str], str] = {}
    refs: list[tuple[str, str, str]] = []
    for entry in root.iter("character"):
        literal = entry.findtext("literal")
        for cp in entry.iter("cp_value"):
            by_code[(cp.get("cp_type"), cp.text.lower())] = literal
        for var in entry.iter("variant"):
            if var.get("var_type") in KANJIDIC_TYPES:
                refs.append((literal, var.get("var_type"), var.text.lower()))
    pairs = []
    for literal, kind, code in refs:
        other = chr(int(code, 16)) if kind == "ucs" else by_code.get((kind, code))
        if other:
            pairs.append((literal, other))
    return version, pairs, {literal for (_kind, _code), literal in by_code.items()}


def build(stats: bool) -> None:
    edges: list[tuple[str, str, str]] = []  # (a, b, source)
    joyo, jinmei, jis0, japanese = set(), set(), set(), set()
    radical_strokes: dict[str, str] = {}
    strokes: dict[str, str] = {}
    for ch, field, value in unihan_rows("Unihan_OtherMappings"):
        if field == "kJoyoKanji":
            joyo.add(ch)
        elif field == "kJinmeiyoKanji":
            jinmei.add(ch)
            for part in value.split():
                if ":" in part:
                    edges.append((ch, char(part.split(":")[1]), "kJinmeiyoKanji"))
        elif field == "kJis0":
            jis0.add(ch)
        if field in ("kJis0", "kJis1", "kJIS0213", "kIBMJapan"):
            japanese.add(ch)
    for ch, field, value in unihan_rows("Unihan_IRGSources"):
        if field == "kIRG_JSource" or (field == "kIICore" and "J" in value):
            japanese.add(ch)
        elif field == "kRSUnicode":
            radical_strokes[ch] = value
        elif field == "kTotalStrokes":
            strokes[ch] = value.split()[0]
    for ch, field, value in unihan_rows("Unihan_Variants"):
        for code in value.split():
            other = char(code)
            if field in UNIHAN_FIELDS:
                # Morohashi's ":Z" (same character, other shape) before other annotated links, and
                # those before bare ones: 﨑 is both a Z-variant of 崎 and a bare variant of 埼.
                strength = 0 if code.endswith(":Z") else 1 if "<" in code else 2
                edges.append((ch, other, f"{field}{strength}"))
            elif field == "kSpoofingVariant":
                same_shape = radical_strokes.get(ch) == radical_strokes.get(other) and strokes.get(
                    ch
                ) == strokes.get(other)
                for a, b in ((ch, other), (other, ch)):
                    if same_shape and (a in joyo or a in jinmei) and b not in japanese:
                        edges.append((a, b, field))
    kanjidic_version, kanjidic_edges, kanjidic_chars = kanjidic2_pairs()
    edges += [(a, b, "KANJIDIC2") for a, b in kanjidic_edges]
    japanese |= kanjidic_chars

    # Union-find over NFKC forms of Japanese CJK characters, the best attested links first. Two
    # characters that Japan lists as kanji in their own right (常用, or 人名用 other than a 旧字体 of a
    # 常用) never join: 暦/歴 or 崎/埼 are related in Chinese dictionaries but are different kanji here.
    # A character with no Japanese source only comes in as a spoofing shape (𠮷); the rest (你, 匝) are
    # Chinese forms a Japanese name does not use, and would only bridge unrelated kanji.
    independent = joyo | (jinmei - {a for a, _b, source in edges if source == "kJinmeiyoKanji"})
    spoof_shapes = {b for _a, b, source in edges if source == "kSpoofingVariant"}
    order = ("kJinmeiyoKanji", "kZVariant0", "kZVariant1", "kZVariant2", "KANJIDIC2", "kSemanticVariant0",
             "kSemanticVariant1", "kSemanticVariant2", "kSpoofingVariant")
    edges.sort(key=lambda e: order.index(e[2]))
    parent: dict[str, str] = {}
    holds: dict[str, str] = {}  # root -> the independent kanji in its component

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    used, refused = defaultdict(int), defaultdict(int)
    for a, b, source in edges:
        a, b = unicodedata.normalize("NFKC", a), unicodedata.normalize("NFKC", b)
        if a == b or len(a) != 1 or len(b) != 1 or not (is_cjk(a) and is_cjk(b)):
            continue
        if not all(ch in japanese or ch in independent or ch in spoof_shapes for ch in (a, b)):
            continue
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        ha = holds.get(ra, a if a in independent else None)
        hb = holds.get(rb, b if b in independent else None)
        if ha and hb:
            refused[re.sub(r"(Variant)[012]$", r"\1", source)] += 1
            continue
        used[re.sub(r"(Variant)[012]$", r"\1", source)] += 1
        parent[ra] = rb
        if ha or hb:
            holds[rb] = ha or hb
    groups: dict[str, list[str]] = defaultdict(list)
    for ch in parent:
        groups[find(ch)].append(ch)

    def rank(ch: str):
        return (ch not in joyo, ch not in jinmei, ch not in jis0, ord(ch))

    table: list[tuple[str, str]] = []
    for members in groups.values():
        canonical = min(members, key=rank)
        table += [(ch, canonical) for ch in members if ch != canonical]
    table.sort(key=lambda pair: (ord(pair[1]), ord(pair[0])))
    sizes = sorted((len(m) for m in groups.values()), reverse=True)
    biggest = "".join(sorted(max(groups.values(), key=len), key=rank))

    header = [
        "# Kanji variants folded together by the search key: variant<TAB>representative, one a line.",
        "# Generated by scripts/make_variant_table.py; do not edit by hand (regenerate, and add a migration",
        "# recomputing the stored keys).",
        f"# Unihan {unihan_version()} (Debian unicode-data): {', '.join(UNIHAN_FIELDS)}; kJinmeiyoKanji",
        "#   variants of 常用漢字; kSpoofingVariant only between same-radical, same-stroke characters, one",
        "#   常用/人名用 and the other in no Japanese character set (吉/𠮷 is linked in no other Unihan field).",
        f"# KANJIDIC2 {kanjidic_version} (Debian kanjidic-xml; EDRDG, CC BY-SA 4.0): <variant> by",
        f"#   {', '.join(KANJIDIC_TYPES)} (沢/澤, 浜/濱, 辺/邊/邉, 斎/齋 are only here).",
        "# Compatibility ideographs with a decomposition are taken at their NFKC form (the key applies NFKC",
        "#   first). Only characters of a Japanese character set (Unihan J source, JIS, IBM Japan, KANJIDIC2)",
        "#   take part. Links join groups best attested first; none may join two kanji in their own right.",
        "#   Each group folds to one representative: 常用, else 人名用, else JIS X 0208, else lowest code point.",
        "# Variation selectors (IVS) are not in this table: the key removes them before looking characters up.",
        f"# {len(table)} variants in {len(groups)} groups; biggest group {sizes[0]} ({biggest}); links used: "
        + ", ".join(f"{k} {v}" for k, v in sorted(used.items())),
        "# Links refused because they would join two kanji in their own right (常用, or 人名用 not a 旧字体): "
        + ", ".join(f"{k} {v}" for k, v in sorted(refused.items())),
    ]
    OUT.write_text(
        "\n".join(header + [f"{a}\t{b}" for a, b in table]) + "\n", encoding="utf-8", newline="\n"
    )
    print(f"{OUT}: {len(table)} variants, {len(groups)} groups, biggest {sizes[0]}")
    if stats:
        print("sizes:", sizes[:20])
        for members in sorted(groups.values(), key=len, reverse=True)[:10]:
            print(len(members), "".join(sorted(members, key=rank)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stats", action="store_true", help="print the biggest components")
    args = parser.parse_args()
    if not (UNIHAN / "Unihan_Variants.txt.bz2").exists() or not KANJIDIC2.exists():
        sys.exit("apt-get install unicode-data kanjidic-xml が必要です")
    build(args.stats)


if __name__ == "__main__":
    main()
