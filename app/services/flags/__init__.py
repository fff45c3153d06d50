"""8050・ダブルケア and related flags: the rules over household records (flags) and the coordinator's review of what fires (flag_review)."""
