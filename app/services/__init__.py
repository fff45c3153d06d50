"""Everything the app does, with no Qt: one package per concept, imports running one way (docs/architecture.md).

From the ground up: common, store, records, printing, flags, households, referrals, meetings, outreach,
statistics, program, catalog. A package imports only packages below it (tests/test_rooms.py)."""
