"""訪問・経過: the visit schedule, visit and note dialogs, and the 実態調査 round."""
