"""つなぐシート: the sheet list, the sheet and reply dialogs, and the 関係機関 directory page."""
