"""Key slots (LUKS-style): one random data key encrypts the database; a small key file holds it wrapped
once per user passphrase and once by a recovery key.

- Passphrase slot: Argon2id(passphrase) → mixed by HKDF with a per-PC secret from the OS keyring (so a
  copied disk cannot be brute-forced from the passphrase alone) → AES-256-GCM wrap of the data key.
  Where no OS keyring exists, the slot is passphrase-only and the caller is told so.
- Recovery slot: a 160-bit random key printed once for the town's safe; HKDF → AES-GCM. It does not
  depend on the PC, so a dead PC never loses data.

Adding users or changing a passphrase rewrites only the key file; the database is never re-encrypted.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import unicodedata
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.services.common.errors import (
    InvalidInput,
    KeyFileDamaged,
    KeyFileMissing,
    PcSecretMissing,
    WrongSecret,
)
from app.services.common.fileio import atomic_write_bytes
from app.services.store.diagnosis import display_text

KEYFILE_FORMAT = "tsunagi-keys/1"
KEYS_FILE = "tsunagi.keys"  # (app.services.store.store.KEYS_NAME; named here for messages)
_PC_INFO = b"tsunagi passphrase slot with pc secret"
KEYRING_SERVICE = "Tsunagi"


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost. STRONG takes about 0.4 s on the 2-core reference machine (128 MiB, 4 passes)."""

    memory_kib: int = 131072
    iterations: int = 4
    lanes: int = 4

    def derive(self, secret: bytes, salt: bytes) -> bytes:
        return Argon2id(
            salt=salt, length=32, iterations=self.iterations, lanes=self.lanes, memory_cost=self.memory_kib
        ).derive(secret)


STRONG = KdfParams()
# Only for tests and throw-away demo stores: milliseconds instead of half a second per unlock.
FAST = KdfParams(memory_kib=8192, iterations=1, lanes=1)

# The range this app itself writes (FAST up to twice STRONG, headroom for a stronger future default).
# A key file asking for more was not written by us: refused at once, before any Argon2 run, so a tampered
# ``iterations=2e9`` or a 100 GiB memory cost cannot freeze the sign-in or exhaust memory.
KDF_LIMITS = {"memory_kib": (8192, 2 * STRONG.memory_kib), "iterations": (1, 2 * STRONG.iterations),
              "lanes": (1, 2 * STRONG.lanes)}  # fmt: skip


def kdf_in_range(kdf: object) -> bool:
    return (
        isinstance(kdf, dict)
        and set(kdf) == set(KDF_LIMITS)
        and all(
            type(kdf[name]) is int and low <= kdf[name] <= high for name, (low, high) in KDF_LIMITS.items()
        )
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _hkdf(material: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(material)


def _checksum_of(doc: dict) -> str:
    canonical = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


def normalize_passphrase(passphrase: str) -> bytes:
    # NFKC so that a passphrase typed with the IME in full-width mode still matches.
    return unicodedata.normalize("NFKC", passphrase).encode("utf-8")


# ---------------------------------------------------------------------------------------------------
# Recovery key: Crockford base32 (no I, L, O, U), 32 characters of key + 4 of checksum, groups of four.

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CONFUSABLE = str.maketrans({"I": "1", "L": "1", "O": "0"})
RECOVERY_BYTES = 20


def _b32(data: bytes, length: int) -> str:
    n = int.from_bytes(data, "big")
    return "".join(_CROCKFORD[(n >> (5 * i)) & 31] for i in reversed(range(length)))


def _checksum(raw: bytes) -> str:
    return _b32(hashlib.sha256(b"tsunagi-recovery" + raw).digest()[:3], 4)


def new_recovery_key() -> tuple[str, bytes]:
    raw = secrets.token_bytes(RECOVERY_BYTES)
    text = _b32(raw, 32) + _checksum(raw)
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4)), raw


def parse_recovery_key(text: str) -> bytes:
    """Accept the key as typed: any case, spaces or hyphens, full-width, I/L for 1 and O for 0."""
    clean = unicodedata.normalize("NFKC", text).upper().translate(_CONFUSABLE)
    clean = "".join(ch for ch in clean if not ch.isspace() and ch != "-")
    if len(clean) != 36 or any(ch not in _CROCKFORD for ch in clean):
        raise InvalidInput("回復キーの形式が正しくありません（4文字ずつ9組、英数字36文字です）")
    n = 0
    for ch in clean[:32]:
        n = (n << 5) | _CROCKFORD.index(ch)
    raw = n.to_bytes(RECOVERY_BYTES, "big")
    if _checksum(raw) != clean[32:]:
        raise InvalidInput("回復キーに入力の誤りがあります。保管票と1文字ずつ照らし合わせてください")
    return raw


def damaged_message(name: str) -> str:
    return (
        f"鍵ファイル（{name}）が壊れています（パスフレーズの誤りではありません）。データベースは無事です。"
        "すぐにバックアップから復元せず、情報システム担当に相談してください（safety フォルダやバックアップの中の"
        "鍵ファイルだけを戻せば、今日までの入力を失わずに開けます）"
    )


# ---------------------------------------------------------------------------------------------------
# Per-PC secret in the OS keyring (Windows: Credential Manager).


class PcSecrets:
    """The per-PC secret mixed into passphrase slots. ``None`` means no usable OS keyring."""

    def _name(self, store_id: str) -> str:
        return f"store-{store_id}"

    def get(self, store_id: str) -> bytes | None:
        try:
            import keyring

            value = keyring.get_password(KEYRING_SERVICE, self._name(store_id))
        except Exception:  # any backend failure means "not available here"
            return None
        try:
            return bytes.fromhex(value) if value else None
        except ValueError:
            return None

    def create(self, store_id: str) -> bytes | None:
        """Make and store a new secret; read it back, because some backends accept and forget."""
        value = secrets.token_bytes(32)
        try:
            import keyring

            keyring.set_password(KEYRING_SERVICE, self._name(store_id), value.hex())
        except Exception:
            return None
        return value if self.get(store_id) == value else None


# ---------------------------------------------------------------------------------------------------


@dataclass
class Slot:
    id: str
    kind: str  # "passphrase" | "recovery"
    user: str  # sign-in name for passphrase slots, "" for the recovery slot
    salt: str
    nonce: str
    wrapped: str
    pc_bound: bool = False
    kdf: dict = field(default_factory=dict)
    # SHA-256 (truncated) of the fields above and the store id: tells a damaged slot (or store id) from a
    # wrong secret when the AES-GCM tag fails. "" in key files written before it existed.
    check: str = ""

    def checksum(self, store_id: str) -> str:
        return _checksum_of({k: v for k, v in asdict(self).items() if k != "check"} | {"store_id": store_id})

    def damaged(self, store_id: str) -> bool:
        return bool(self.check) and self.check != self.checksum(store_id)

    def aad(self, store_id: str) -> bytes:
        # Binds the wrapped key to this store, slot and user so slots cannot be swapped between files.
        return f"{KEYFILE_FORMAT}|{store_id}|{self.id}|{self.kind}|{self.user}".encode()


@dataclass
class Unlocked:
    data_key: bytes
    user: str | None  # None when opened with the recovery key


class KeyFile:
    """The key slots of one store.

    ``portable`` holds a copy of every passphrase slot *without* the PC secret, itself encrypted with a
    key derived from the data key: useless to someone who copies the disk, but written out in clear into
    backups, so a backup opens with the passphrase on a new PC (and with the recovery key anywhere).
    """

    # The record of the audit chains' heads, kept here outside the database (app.services.store.anchor).
    anchor: dict | None = None

    def __init__(
        self, store_id: str, slots: list[Slot], pc_secrets: PcSecrets | None = None, portable: str = "",
        db_salt: str = "",
    ):  # fmt: skip
        self.store_id = store_id
        self.slots = slots
        self.pc_secrets = pc_secrets or PcSecrets()
        self.portable = portable
        # The database file's first 16 bytes (SQLCipher's salt, in clear, random per database and kept for
        # its life): says which database this key file belongs to without any key. "" in older files.
        self.db_salt = db_salt

    # --- persistence ------------------------------------------------------------------------------

    @classmethod
    def new(cls, pc_secrets: PcSecrets | None = None) -> KeyFile:
        return cls(uuid.uuid4().hex, [], pc_secrets)

    @classmethod
    def load(cls, path: Path, pc_secrets: PcSecrets | None = None) -> KeyFile:
        if not path.exists():
            raise KeyFileMissing(
                f"鍵ファイル（{path.name}）が見つかりません。データベースだけでは開けません。"
                "バックアップから復元するか、鍵ファイルを元の場所に戻してください"
            )
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            if doc.get("format") != KEYFILE_FORMAT:
                raise ValueError("format")
            slots = [Slot(**s) for s in doc["slots"]]
            keyfile = cls(doc["store_id"], slots, pc_secrets, doc.get("portable", ""), doc.get("db_salt", ""))
            keyfile._check_structure()
            keyfile.anchor = doc.get("anchor")  # checked (MAC) by app.services.store.anchor, not here
            return keyfile
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:  # (deep nesting)
            raise KeyFileDamaged(damaged_message(path.name)) from exc

    def _check_structure(self) -> None:
        """Everything unlocking relies on is of the right type and size, and every Argon2 cost is within
        the app's own range. Raises ValueError (damaged) or KeyFileDamaged (cost out of range)."""
        if not isinstance(self.store_id, str) or not self.store_id or not isinstance(self.portable, str):
            raise ValueError("store_id")
        if not isinstance(self.db_salt, str) or (self.db_salt and len(bytes.fromhex(self.db_salt)) != 16):
            raise ValueError("db_salt")
        for slot in self.slots:
            if slot.kind not in ("passphrase", "recovery") or not all(
                isinstance(v, str) for v in (slot.id, slot.user, slot.check)
            ) or type(slot.pc_bound) is not bool:  # fmt: skip
                raise ValueError("slot")
            if [len(_unb64(slot.salt)), len(_unb64(slot.nonce)), len(_unb64(slot.wrapped))] != [16, 12, 48]:
                raise ValueError("slot sizes")
            if slot.kind == "recovery" and slot.kdf:
                raise ValueError("recovery kdf")
            if slot.kind == "passphrase" and not kdf_in_range(slot.kdf):
                raise KeyFileDamaged(
                    f"鍵ファイル（{KEYS_FILE}）の鍵の強さの設定（{display_text(slot.kdf, 120)}）が、つなぎの扱う範囲を"
                    "超えています。つなぎが書いたものではない（改ざんされたか壊れた）ため、開きませんでした。"
                    "データベースは無事です。情報システム担当に相談してください"
                )

    def to_bytes(self) -> bytes:
        slots = [asdict(s) | {"check": s.checksum(self.store_id)} for s in self.slots]
        doc = {"format": KEYFILE_FORMAT, "store_id": self.store_id, "slots": slots}
        if self.portable:
            doc["portable"] = self.portable
        if self.db_salt:
            doc["db_salt"] = self.db_salt
        if self.anchor is not None:
            doc["anchor"] = self.anchor
        return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")

    def save(self, path: Path) -> None:
        atomic_write_bytes(path, self.to_bytes())

    # --- slots ------------------------------------------------------------------------------------

    @property
    def users(self) -> list[str]:
        return [s.user for s in self.slots if s.kind == "passphrase"]

    def _wrap(self, slot: Slot, kek: bytes, data_key: bytes) -> None:
        nonce = os.urandom(12)
        slot.nonce = _b64(nonce)
        slot.wrapped = _b64(AESGCM(kek).encrypt(nonce, data_key, slot.aad(self.store_id)))

    def _unwrap(self, slot: Slot, kek: bytes) -> bytes | None:
        try:
            return AESGCM(kek).decrypt(_unb64(slot.nonce), _unb64(slot.wrapped), slot.aad(self.store_id))
        except InvalidTag:
            return None

    def _passphrase_kek(self, slot: Slot, passphrase: str, pc_secret: bytes | None) -> bytes:
        stretched = KdfParams(**slot.kdf).derive(normalize_passphrase(passphrase), _unb64(slot.salt))
        if slot.pc_bound:
            assert pc_secret is not None
            return _hkdf(stretched, pc_secret, _PC_INFO)
        return stretched

    def set_passphrase(self, user: str, passphrase: str, data_key: bytes, kdf: KdfParams = STRONG) -> bool:
        """Add or replace ``user``'s slot (and its portable copy). Returns whether the slot is bound to
        this PC's keyring secret."""
        if not passphrase:
            raise InvalidInput("パスフレーズを入力してください")
        pc_secret = self.pc_secrets.get(self.store_id) or self.pc_secrets.create(self.store_id)
        salt = os.urandom(16)
        # One Argon2id run serves both slots: the PC-bound one mixes the PC secret in, the portable one not.
        stretched = kdf.derive(normalize_passphrase(passphrase), salt)
        slot = self._new_passphrase_slot(user, salt, kdf, pc_bound=pc_secret is not None)
        self._wrap(slot, _hkdf(stretched, pc_secret, _PC_INFO) if pc_secret else stretched, data_key)
        self.slots = [s for s in self.slots if not (s.kind == "passphrase" and s.user == user)] + [slot]
        portable = self._new_passphrase_slot(user, salt, kdf, pc_bound=False)
        self._wrap(portable, stretched, data_key)
        others = [p for p in self.portable_slots(data_key) if p.user != user]
        self._store_portable(data_key, [*others, portable])
        return slot.pc_bound

    def _new_passphrase_slot(self, user: str, salt: bytes, kdf: KdfParams, *, pc_bound: bool) -> Slot:
        return Slot(id=uuid.uuid4().hex[:12], kind="passphrase", user=user, salt=_b64(salt), nonce="", wrapped="",
                    pc_bound=pc_bound, kdf=asdict(kdf))  # fmt: skip

    # --- portable copies (for backups) -------------------------------------------------------------

    def _portable_key(self, data_key: bytes) -> bytes:
        return _hkdf(data_key, self.store_id.encode(), b"tsunagi portable slots")

    def portable_slots(self, data_key: bytes) -> list[Slot]:
        if not self.portable:
            return []
        try:
            raw = _unb64(self.portable)
            plain = AESGCM(self._portable_key(data_key)).decrypt(raw[:12], raw[12:], self.store_id.encode())
            return [Slot(**s) for s in json.loads(plain)]
        except (InvalidTag, ValueError, TypeError):
            # Damaged copies: as if there were none. Each user's copy is made again at their next sign-in
            # (Store._refresh_slots), so a flipped bit here never stops a sign-in.
            return []

    def _store_portable(self, data_key: bytes, slots: list[Slot]) -> None:
        nonce = os.urandom(12)
        plain = json.dumps([asdict(s) for s in slots]).encode()
        self.portable = _b64(
            nonce + AESGCM(self._portable_key(data_key)).encrypt(nonce, plain, self.store_id.encode())
        )

    def has_portable(self, user: str, data_key: bytes) -> bool:
        return any(p.user == user for p in self.portable_slots(data_key)) or any(
            s.kind == "passphrase" and s.user == user and not s.pc_bound for s in self.slots
        )

    def for_backup(self, data_key: bytes) -> KeyFile:
        """The slots that do not depend on this PC: portable passphrase slots and the recovery slot."""
        portable = {p.user: p for p in self.portable_slots(data_key)}
        for s in self.slots:  # slots made where no keyring existed are portable already
            if s.kind == "passphrase" and not s.pc_bound:
                portable.setdefault(s.user, s)
        slots = [
            *(portable[u] for u in self.users if u in portable),
            *(s for s in self.slots if s.kind == "recovery"),
        ]
        copy = KeyFile(self.store_id, slots, self.pc_secrets, db_salt=self.db_salt)
        copy.anchor = self.anchor  # the restored database ends where this record says
        return copy

    def remove_user(self, user: str, data_key: bytes) -> None:
        if user not in self.users:
            raise InvalidInput(f"利用者「{user}」は登録されていません")
        if len(self.users) == 1:
            raise InvalidInput("最後の利用者は削除できません（サインインできる人がいなくなります）")
        self.slots = [s for s in self.slots if not (s.kind == "passphrase" and s.user == user)]
        self._store_portable(data_key, [p for p in self.portable_slots(data_key) if p.user != user])

    def set_recovery(self, data_key: bytes) -> str:
        """Create (or replace) the recovery slot; returns the recovery key to show once."""
        text, raw = new_recovery_key()
        slot = Slot(
            id=uuid.uuid4().hex[:12],
            kind="recovery",
            user="",
            salt=_b64(os.urandom(16)),
            nonce="",
            wrapped="",
        )
        self._wrap(slot, _hkdf(raw, _unb64(slot.salt), b"tsunagi recovery slot"), data_key)
        self.slots = [s for s in self.slots if s.kind != "recovery"] + [slot]
        return text

    # --- unlocking --------------------------------------------------------------------------------

    def unlock(
        self, *, passphrase: str | None = None, recovery_key: str | None = None, user: str | None = None
    ) -> Unlocked:
        """With the recovery key when one is given, else with the passphrase."""
        if recovery_key is not None:
            return self.unlock_with_recovery(recovery_key)
        if passphrase is not None:
            return self.unlock_with_passphrase(passphrase, user)
        raise InvalidInput("パスフレーズか回復キーを指定してください")

    def unlock_with_passphrase(self, passphrase: str, user: str | None = None) -> Unlocked:
        candidates = [s for s in self.slots if s.kind == "passphrase" and (user is None or s.user == user)]
        if user is not None and not candidates:
            if any(s.damaged(self.store_id) for s in self.slots):  # the name itself may be what broke
                raise KeyFileDamaged(damaged_message(KEYS_FILE))
            raise WrongSecret(f"利用者「{user}」は登録されていません")
        pc_secret = self.pc_secrets.get(self.store_id)
        missing_pc = False
        for slot in candidates:
            if slot.pc_bound and pc_secret is None:
                missing_pc = True
                continue
            data_key = self._unwrap(slot, self._passphrase_kek(slot, passphrase, pc_secret))
            if data_key is not None:
                return Unlocked(data_key, slot.user)
        # The AES-GCM tag failed: a wrong passphrase, unless the slot's own checksum says it was damaged
        # (a damaged store id also makes the PC secret look missing: the damage is the real reason).
        broken = [s for s in candidates if s.damaged(self.store_id)]
        if broken:
            raise KeyFileDamaged(
                f"鍵ファイル（{KEYS_FILE}）のうち、{display_text(broken[0].user, 40)}さんのパスフレーズの部分が壊れています"
                "（パスフレーズの誤りではありません）。データベースは無事です。回復キーでサインインして"
                "新しいパスフレーズを設定すると、今のデータのまま使えます"
            )
        if missing_pc:
            raise PcSecretMissing(
                "このPCに保管されている鍵（資格情報）が見つからないため、パスフレーズでは開けません。"
                "PCを交換した場合などに起こります。回復キーでサインインし、新しいパスフレーズを設定してください"
            )
        raise WrongSecret("パスフレーズが違います")

    def unlock_with_recovery(self, recovery_key: str) -> Unlocked:
        raw = parse_recovery_key(recovery_key)
        for slot in self.slots:
            if slot.kind == "recovery":
                data_key = self._unwrap(slot, _hkdf(raw, _unb64(slot.salt), b"tsunagi recovery slot"))
                if data_key is not None:
                    return Unlocked(data_key, None)
        if any(s.damaged(self.store_id) for s in self.slots if s.kind == "recovery"):
            raise KeyFileDamaged(
                f"鍵ファイル（{KEYS_FILE}）のうち、回復キーの部分が壊れています（回復キーの誤りではありません）。"
                "データベースは無事です。パスフレーズでサインインし、新しい回復キーを作り直してください"
            )
        raise WrongSecret("回復キーが違います（このデータの回復キーではありません）")


# ---------------------------------------------------------------------------------------------------

MIN_PASSPHRASE = 8


def passphrase_strength(passphrase: str) -> tuple[int, str]:
    """A 0–4 score and a Japanese hint. Length matters most; mixing kinds of characters helps.

    Deliberately simple and explainable to a non-IT user; Argon2id and the PC secret do the rest.
    """
    text = unicodedata.normalize("NFKC", passphrase)
    if len(text) < MIN_PASSPHRASE:
        return 0, f"短すぎます（{MIN_PASSPHRASE}文字以上にしてください）"
    kinds = sum(
        [
            any(c.isascii() and c.isalpha() for c in text),
            any(c.isdigit() for c in text),
            any("\u3040" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff" for c in text),
            any(not c.isalnum() and not c.isspace() for c in text),
            any(c.isspace() for c in text),
        ]
    )
    if len(set(text)) <= 3:
        return 1, "同じ文字の繰り返しは推測されやすいです"
    # A kana or kanji carries more choice than a Latin letter: count it twice.
    length = sum(2 if ord(c) > 0x2E80 else 1 for c in text)
    score = 1 + (length >= 12) + (length >= 20) + (kinds >= 2)
    hints = {
        1: "弱い: もう少し長くしてください",
        2: "ふつう: 文のように長くするとより安全です",
        3: "強い",
        4: "とても強い",
    }
    return min(score, 4), hints[min(score, 4)]
