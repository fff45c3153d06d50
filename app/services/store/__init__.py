"""The encrypted store and the data folder: opening and locking, key slots, the one-writer lock, backup and restore, media, the audit log, change history, settings and search keys."""
