"""The household screen's tabs, one module each. A tab fills itself from the screen's one read
(``fill``) and emits ``changed`` when something it opened was saved, so the screen reads again."""
