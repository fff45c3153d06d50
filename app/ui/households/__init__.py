"""世帯: the list and search, the household screen with its tabs, and its dialogs (members, intake, flags, import, genogram)."""
