"""Genogram layout: where each member, couple line, line of descent and care arrow goes.

Pure geometry in abstract units (a symbol is 1 unit wide), so the screen (Qt) and the printed 世帯票
(ReportLab) draw the same picture. Conventions: □ male, ○ female, ◇ other/unknown; the person consulted
drawn doubled; × through the deceased; a line around the co-resident household; care as arrows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app.services.common.japanese import age_words
from app.services.records.family import RelationWords, parents_of
from app.services.records.household_format import HouseholdRecord

# Generation by 続柄 (the householder's generation is 2).
_GENERATION = {"grandparent": 0, "parent": 1, "head": 2, "spouse": 2, "sibling": 2, "other": 2,
               "child": 3, "child_in_law": 3, "grandchild": 4}  # fmt: skip
X_STEP, Y_STEP = 2.6, 2.8


@dataclass(frozen=True)
class Node:
    id: str
    x: float  # centre
    y: float  # centre
    sex: str
    name: str
    caption: str  # 続柄 and age: 長男 53歳
    deceased: bool
    co_resident: bool
    client: bool  # the person consulted (本人)


@dataclass
class Genogram:
    nodes: dict[str, Node] = field(default_factory=dict)
    couples: list[tuple[str, str]] = field(default_factory=list)
    descents: list[tuple[tuple[str, ...], str]] = field(default_factory=list)  # (parents, child)
    cares: list[tuple[str, str]] = field(default_factory=list)  # (carer, cared)
    household_box: tuple[float, float, float, float] | None = None  # x0, y0, x1, y1 around co-residents
    width: float = 0
    height: float = 0


def layout(record: HouseholdRecord, as_of: date, client: str | None = None) -> Genogram:
    g = Genogram()
    if not record.members:
        return g
    parents = parents_of(record)
    label = RelationWords(record)
    head = next((m for m in record.members if m.relation == "head"), None)

    gen: dict[str, int] = {}

    def generation(mid: str, seen=()) -> int:
        if mid in gen:
            return gen[mid]
        m = record.member(mid)
        explicit = [p for p in (m.parents or []) if p not in seen]
        if m.parents is not None and explicit:
            gen[mid] = max(generation(p, (*seen, mid)) for p in explicit) + 1
        else:
            gen[mid] = _GENERATION.get(m.relation, 2)
        return gen[mid]

    for m in record.members:
        generation(m.id)
    top = min(gen.values())

    rows: dict[int, list] = {}
    for m in record.members:
        rows.setdefault(gen[m.id], []).append(m)

    def order(m):
        # Older siblings left of the householder, spouse to the right; children by birth.
        if m.relation == "head":
            return (1, m.birth_date)
        if m.relation == "spouse":
            return (2, m.birth_date)
        if m.relation == "sibling" and head is not None:
            return (0 if m.birth_date < head.birth_date else 3, m.birth_date)
        return (4, m.birth_date)

    widest = max(len(r) for r in rows.values())
    for level, members in rows.items():
        members.sort(key=order)
        offset = (widest - len(members)) * X_STEP / 2
        for i, m in enumerate(members):
            g.nodes[m.id] = Node(
                id=m.id,
                x=0.5 + offset + i * X_STEP,
                y=0.5 + (level - top) * Y_STEP,
                sex=m.sex,
                name=m.name,
                caption=label(m) if m.deceased else f"{label(m)} {age_words(m.birth_date, m.birth_earliest, as_of)}",
                deceased=m.deceased,
                co_resident=m.co_resident,
                client=m.id == client,
            )

    # Couples: two members who are parents of the same child, or head and spouse.
    pairs = set()
    for child, ps in parents.items():
        if len(ps) >= 2:
            pairs.add(tuple(sorted(ps[:2], key=lambda p: g.nodes[p].x)))
        if ps:
            g.descents.append((tuple(ps), child))
    spouse = next((m for m in record.members if m.relation == "spouse"), None)
    if head is not None and spouse is not None:
        pairs.add(tuple(sorted((head.id, spouse.id), key=lambda p: g.nodes[p].x)))
    g.couples = sorted(pairs)
    g.cares = [(m.id, c) for m in record.members for c in m.cares_for]

    here = [n for n in g.nodes.values() if n.co_resident]
    if here:
        pad = 0.9
        g.household_box = (
            min(n.x for n in here) - pad,
            min(n.y for n in here) - pad,
            max(n.x for n in here) + pad,
            max(n.y for n in here) + pad + 0.6,  # room for the caption under the symbol
        )
    g.width = widest * X_STEP
    g.height = (max(gen.values()) - top) * Y_STEP + 2.2
    return g
