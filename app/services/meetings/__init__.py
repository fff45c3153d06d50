"""重層的支援会議・支援会議 and 支援プラン: meetings, cases, decisions, plans and their forms."""
