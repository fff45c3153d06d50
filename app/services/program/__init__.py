"""実施計画: the required-items checklist, indicators computed from case data, and its form."""
