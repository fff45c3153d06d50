"""The GUI's demo of the whole programme: households and casework (app.services.households.demo), flags,
a 実施計画 period, and the demo sets of 参加支援, 地域づくり and アセスメント. It lives here, in the room above
all of those it fills."""

from __future__ import annotations

import random
from datetime import date

from app.services.common.japanese import fiscal_year
from app.services.community import community
from app.services.flags import flag_review
from app.services.households.demo import populate, populate_casework
from app.services.meetings import assessments
from app.services.participation import participation
from app.services.program import program_plan
from app.services.store.store import Store


def create_demo(store: Store, households: int, seed: int = 1, today: date | None = None) -> None:
    """The GUI's 「デモデータで試す」: the town, its casework up to today (the benchmark's generator), the flags
    found in it, a 実施計画 period covering this 年度, and the demo sets of 参加支援, 地域づくり and アセスメント,
    so every page, 統計 included, shows something for the current 年度."""
    today = today or date.today()
    rng = random.Random(seed)
    populate(store, households, seed)
    populate_casework(store, seed=seed, until=today)
    flag_review.refresh_all(store, today)
    fy = fiscal_year(today)
    program_plan.create(store, fy - 1, fy + 1)
    for room in (participation, community, assessments):
        room.add_demo(store, rng, today)
