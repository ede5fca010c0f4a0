"""Real names locked with a passphrase, so an inquiry file can keep them without showing them.

The units' real names (``private_name``) never leave the kit in clear unless the facilitator
asks in so many words. To carry a Binder session on in full, the inquiry file can hold them
*locked*: the names, as one JSON object ``{unit id: name}``, are encrypted with AES-256-GCM
under a key derived from the facilitator's passphrase with scrypt and a random salt. The
file keeps only what is needed to open them again with the same passphrase::

    "private_names": {"cipher": "AES-256-GCM", "kdf": "scrypt", "n": 32768, "r": 8, "p": 1,
                      "salt": "<base64>", "nonce": "<base64>", "names": "<base64>"}

A wrong passphrase (or a changed file) is caught by the cipher's check and gives a plain
message; the passphrase itself is never stored, so it cannot be recovered.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any

from widgets.files import FileProblem

CIPHER = "AES-256-GCM"
KDF = "scrypt"
#: scrypt's cost: 2**15 takes about a tenth of a second and 32 MB, enough to make guessing
#: passphrases slow. A file may ask for more, within limits, so that a crafted file cannot
#: make the kit spend gigabytes of memory or minutes on one passphrase.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
_MAX_N, _MAX_R, _MAX_P = 2**18, 16, 4
_MAX_MEMORY = 256 * 1024 * 1024  # scrypt needs 128 * n * r bytes
MIN_PASSPHRASE = 8
MAX_PASSPHRASE = 1000
#: Bound to the locked names, so a box cannot be moved into another kind of file unnoticed.
_CONTEXT = b"hidden-insights-inquiry private names v1"

WRONG_PASSPHRASE = ("That passphrase does not open the real names in this file (or the file "
                    "was changed). Nothing was loaded.")


class WrongPassphrase(FileProblem):
    """The passphrase does not open the locked names (a person's mistake, shown plainly)."""

    def __init__(self, message: str = WRONG_PASSPHRASE):
        super().__init__(message)


def check_passphrase(passphrase: Any) -> str:
    """The passphrase, or a plain :class:`FileProblem` when it cannot be used to lock names."""
    if not isinstance(passphrase, str):
        raise FileProblem("The passphrase must be text.")
    if len(passphrase) > MAX_PASSPHRASE:
        raise FileProblem(f"The passphrase is too long (at most {MAX_PASSPHRASE} characters).")
    if len(passphrase.strip()) < MIN_PASSPHRASE:
        raise FileProblem(f"Choose a passphrase of at least {MIN_PASSPHRASE} characters "
                          "(a few words are easy to remember and hard to guess).")
    return passphrase


def _key(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def lock(names: dict[str, str], passphrase: str) -> dict[str, Any]:
    """The names ``{unit id: real name}`` locked with ``passphrase`` (a JSON-ready box)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    passphrase = check_passphrase(passphrase)
    salt, nonce = os.urandom(16), os.urandom(12)
    plain = json.dumps(names, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    sealed = AESGCM(_key(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)).encrypt(
        nonce, plain, _CONTEXT)
    return {"cipher": CIPHER, "kdf": KDF, "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P,
            "salt": _b64(salt), "nonce": _b64(nonce), "names": _b64(sealed)}


def unlock(box: Any, passphrase: str) -> dict[str, str]:
    """The names ``{unit id: real name}`` from a box made by :func:`lock`.

    Raises :class:`WrongPassphrase` when the passphrase does not open it, and
    :class:`FileProblem` when the box is damaged or made in a way this kit does not know.
    """
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    damaged = FileProblem("The locked real names in this file are damaged; they cannot be "
                          "opened.")
    if not isinstance(passphrase, str) or not passphrase:
        raise WrongPassphrase("Type the passphrase that locks the real names in this file.")
    if not isinstance(box, dict) or box.get("cipher") != CIPHER or box.get("kdf") != KDF:
        raise FileProblem("The real names in this file are locked in a way this version of the "
                          "kit cannot open.")
    n, r, p = box.get("n"), box.get("r"), box.get("p")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (n, r, p)) or not (
            2 <= n <= _MAX_N and n & (n - 1) == 0 and 1 <= r <= _MAX_R and 1 <= p <= _MAX_P
            and 128 * n * r <= _MAX_MEMORY):
        raise damaged
    try:
        salt, nonce, sealed = (base64.b64decode(box[k], validate=True)
                               for k in ("salt", "nonce", "names"))
    except (KeyError, TypeError, ValueError):
        raise damaged from None
    if len(salt) < 16 or len(nonce) != 12 or len(sealed) < 16:
        raise damaged
    try:
        plain = AESGCM(_key(passphrase, salt, n, r, p)).decrypt(nonce, sealed, _CONTEXT)
    except InvalidTag:
        raise WrongPassphrase() from None
    try:
        names = json.loads(plain.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise damaged from None
    if not isinstance(names, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in names.items()):
        raise damaged
    return names
