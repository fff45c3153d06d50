"""Family structure shared by the flag rules, the genogram and the forms: who is whose parent
(spec/households.md's derivation rules) and the 続柄 words a coordinator uses."""

from __future__ import annotations

from app.models import vocab
from app.services.records.household_format import HouseholdRecord, Member


def parents_of(household: HouseholdRecord) -> dict[str, list[str]]:
    """Each member's parents: explicit ``parents`` when given, else derived from 続柄 (spec rules)."""
    by_relation: dict[str, list[str]] = {}
    for m in household.members:
        by_relation.setdefault(m.relation, []).append(m.id)
    result = {}
    for m in household.members:
        if m.parents is not None:
            result[m.id] = list(m.parents)
        elif m.relation == "child":
            result[m.id] = by_relation.get("head", []) + by_relation.get("spouse", [])
        elif m.relation in ("head", "sibling"):
            result[m.id] = list(by_relation.get("parent", []))
        else:
            result[m.id] = []
    return result


class RelationWords:
    """続柄 words relative to the householder, as a coordinator would say them (長男, 母, 妻 …)."""

    def __init__(self, household: HouseholdRecord):
        self.household = household
        self.head = next((m for m in household.members if m.relation == "head"), None)
        self._birth_rank: dict[str, int] = {}
        for sex in ("male", "female"):
            children = [m for m in household.members if m.relation == "child" and m.sex == sex]
            for rank, m in enumerate(sorted(children, key=lambda c: c.birth_date), start=1):
                self._birth_rank[m.id] = rank

    def __call__(self, m: Member) -> str:
        sex = m.sex
        if m.relation == "head":
            return "世帯主"
        if m.relation == "spouse":
            return {"male": "夫", "female": "妻"}.get(sex, "配偶者")
        if m.relation == "child":
            rank = self._birth_rank.get(m.id)
            if rank is None:
                return "子"
            prefix = {1: "長", 2: "次"}.get(rank, f"{'三四五六七八九'[min(rank, 9) - 3]}")
            return prefix + ("男" if sex == "male" else "女")
        if m.relation == "parent":
            return {"male": "父", "female": "母"}.get(sex, "親")
        if m.relation == "grandparent":
            return {"male": "祖父", "female": "祖母"}.get(sex, "祖父母")
        if m.relation == "sibling":
            older = self.head is not None and m.birth_date < self.head.birth_date
            if sex == "male":
                return "兄" if older else "弟"
            if sex == "female":
                return "姉" if older else "妹"
            return "兄弟姉妹"
        return vocab.RELATION.get(m.relation, "世帯員")

    def with_role(self, m: Member, role_word: str) -> str:
        """The householder named by role too, so the sentence stays unambiguous: 世帯主（父）."""
        label = self(m)
        return f"{label}（{role_word}）" if m.relation == "head" else label


def care_notes(person) -> list[str]:
    """要介護・障害・ひきこもり words for one member, as the member lists and forms show them."""
    notes = [vocab.CARE_LEVEL[person.care_level]] if person.care_level != "none" else []
    notes += [vocab.DISABILITY[d] for d in person.disability]
    if person.hikikomori != "no":
        notes.append("ひきこもり" + ("疑い" if person.hikikomori == "suspected" else ""))
    return notes
