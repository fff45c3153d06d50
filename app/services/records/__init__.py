"""The household record of spec/households.md: its exchange format (household_format), the relations read from it
(family), and records read from and written to the store (stored). No rules here: flags and households build on it."""
