"""統計: the year's figures, printed and exported."""
