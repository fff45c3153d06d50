"""What one act changed: which kinds of record, and in which households.

Every act of the coordinator is one service call and one transaction, and it returns a ``Changes``. The UI
announces it, and each page refreshes only when the change concerns it (now if it is showing, else the next
time it is shown): ホーム does not re-read anything after an edit it does not show."""

from __future__ import annotations

from dataclasses import dataclass, field

# The kinds of record an act can change. A page says which of them it shows.
KINDS = frozenset({
    "households", "members", "intakes", "flags", "consents", "referrals", "agencies", "visits", "notes",
    "meetings", "plans", "program", "participation", "community", "settings", "media", "store",
})  # fmt: skip


@dataclass(frozen=True)
class Changes:
    kinds: frozenset[str] = frozenset()
    household_ids: frozenset[int] = field(default_factory=frozenset)
    any_household: bool = False  # a change whose household is not known: every household screen reads again

    @classmethod
    def of(cls, *kinds: str, households=()) -> Changes:
        unknown = set(kinds) - KINDS
        if unknown:
            raise ValueError(f"unknown kinds of record: {sorted(unknown)}")
        return cls(frozenset(kinds), frozenset(h for h in households if h is not None))

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            self.kinds | other.kinds, self.household_ids | other.household_ids, self.any_household or other.any_household
        )

    def __bool__(self) -> bool:
        return bool(self.kinds)

    def touches(self, kinds) -> bool:
        """Whether a page that shows these kinds of record must read again."""
        return "store" in self.kinds or bool(self.kinds & set(kinds))

    def touches_household(self, household_id: int | None, kinds) -> bool:
        """Whether one household's screen must read again."""
        return self.touches(kinds) and (
            "store" in self.kinds or self.any_household or household_id in self.household_ids
        )


NOTHING = Changes()
EVERYTHING = Changes.of("store")  # a restore, a sign-in, an import: every page reads again
