"""実施計画: the checklist page and its dialogs."""
