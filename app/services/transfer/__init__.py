"""Everything out and back in: the full export (every record the coordinator entered, as an Excel workbook
and as tsunagi-export/1 JSON, and its importer into a new store) and the 本人開示 (everything held about
one person, for that person)."""
