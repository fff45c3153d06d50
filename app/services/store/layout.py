"""The data folder's file names, in one place: the store, the restore and the backup all name these files."""

from __future__ import annotations

DB_NAME = "tsunagi.db"
KEYS_NAME = "tsunagi.keys"
SAFETY_DIR = "safety"
# The files that make up a store: the database with its WAL and shared memory, and the key file.
STORE_FILES = (DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm", KEYS_NAME)
