"""Errors a person may see. Each carries a Japanese message and the CLI exit code it maps to."""

from __future__ import annotations


class TsunagiError(Exception):
    """Base for expected failures: ``str(error)`` is the Japanese message shown to the user."""

    exit_code = 1


class InvalidInput(TsunagiError):
    exit_code = 2


class WrongSecret(TsunagiError):
    """A wrong passphrase or recovery key."""

    exit_code = 3


class PcSecretMissing(WrongSecret):
    """The passphrase slot needs this PC's secret from the OS keyring and it is gone (PC replaced, keyring wiped)."""


class StoreMissing(TsunagiError):
    pass


class KeyFileMissing(TsunagiError):
    pass


class StoreCorrupt(TsunagiError):
    pass


class StoreExists(TsunagiError):
    exit_code = 2


class KeyFileDamaged(StoreCorrupt):
    """The key file is damaged (not a wrong secret): its structure, or the checksum of the slot tried."""


class KeyFileMismatch(StoreCorrupt):
    """The key file opens, but belongs to another store's database."""
