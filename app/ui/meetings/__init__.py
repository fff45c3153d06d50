"""会議 and 支援プラン: the meetings page, meeting dialogs and the household screen's plan tab."""
