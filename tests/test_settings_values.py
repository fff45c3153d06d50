"""Town settings are checked where they are typed (app.services.store.settings.validate)."""

from __future__ import annotations

import pytest


def test_the_departments_phone_must_read_as_a_phone_number():
    from app.services.store import settings as town_settings

    for good in ("0858-00-0000", "０８５８－００－００００", "0858(00)0000 内線123", ""):
        assert town_settings.validate("town.phone", good) == good
    for bad in ("福祉課", "12", "0858-00-0000 まで"):
        with pytest.raises(town_settings.SettingError, match="数字とハイフンで書いてください"):
            town_settings.validate("town.phone", bad)
