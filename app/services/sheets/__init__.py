"""Records coming in from the town's spreadsheets (.xlsx, .csv): reading a sheet, mapping its columns to
the app's fields, a preview that names every bad cell, and an all-or-nothing import."""
