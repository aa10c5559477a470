"""Key files for both venues: make a key pair, refuse a readable private key, load, redact.

Retail API (docs/spec/retail-api.md §2.3): an Ed25519 secret key, standard base64 of the
32-byte seed, or of 64 bytes seed ‖ public key. Gateway (docs/spec/exchange-gateway.md §2.1):
an RSA key pair for the Auth0 private-key JWT; the public key is registered at onboarding.

Config names a key by reference only (a file path or an environment variable name); the
secret itself lives in a 0600 file and never in a message: every error here names the file
and the fix, never the content.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import logging
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from nacl.signing import SigningKey

_MAX_KEY_FILE = 64 * 1024  # a key file is a few kB; never read a huge file into memory
_ED25519_BAD = "is not an Ed25519 secret key (expected base64 of 32 or 64 bytes)"
_PRIVATE_MODE = 0o600
_PUBLIC_MODE = 0o644


class KeyFileError(Exception):
    """A key file cannot be used; ``str()`` is one sentence naming the file and the fix."""

    def __init__(self, message: str, *, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path


# --- the permission rule -------------------------------------------------------------------

def check_private(path: Path) -> None:
    """Refuse a private key file that is missing, not a file, or open to group or others.

    ``os.stat`` follows symlinks, so a link is judged by its target (the bytes that leak).
    """
    path = Path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise KeyFileError(f"Key file {path} does not exist; create one with: "
                           f"pmdesk keys new --kind ed25519|rsa --out {path}", path=path) from None
    except OSError as exc:
        raise KeyFileError(f"Cannot read key file {path} ({exc.strerror or type(exc).__name__}); "
                           "check the path and its permissions.", path=path) from None
    if not stat.S_ISREG(st.st_mode):
        raise KeyFileError(f"Key file {path} is not a regular file; point pmdesk at the "
                           "private key file itself.", path=path)
    if os.name == "nt":
        return  # mode bits mean nothing on Windows; NTFS ACLs guard the file there
    if st.st_mode & 0o077:
        target = path.resolve() if path.is_symlink() else path
        mode = stat.S_IMODE(st.st_mode)
        raise KeyFileError(f"Key file {target} can be read or changed by group or others "
                           f"(mode {mode:04o}); run: chmod 600 {target}", path=path)


def _read_private(path: Path) -> bytes:
    check_private(path)
    try:
        with open(path, "rb") as f:
            data = f.read(_MAX_KEY_FILE + 1)
    except OSError as exc:
        raise KeyFileError(f"Cannot read key file {path} ({exc.strerror or type(exc).__name__}); "
                           "check the path and its permissions.", path=path) from None
    if len(data) > _MAX_KEY_FILE:
        raise KeyFileError(f"Key file {path} is too large to be a key; check the path.",
                           path=path)
    return data


# --- writing -------------------------------------------------------------------------------

def _make_parent(path: Path) -> None:
    """Create missing parent directories as 0700; existing ones keep their mode."""
    missing: list[Path] = []
    here = path.parent
    while not here.exists() and here.parent != here:
        missing.append(here)
        here = here.parent
    for part in reversed(missing):
        with contextlib.suppress(FileExistsError):
            part.mkdir(mode=0o700)
            part.chmod(0o700)  # mkdir's mode is masked by the umask


def _refuse_existing(paths: Iterable[Path], force: bool) -> None:
    if force:
        return
    for p in paths:
        if p.exists() or p.is_symlink():
            raise KeyFileError(f"Key file {p} already exists; choose another --out, or add "
                               "--force to replace it (the old key stops working).", path=p)


def _write(path: Path, data: bytes, mode: int, force: bool) -> None:
    """Write ``data`` to a file created with ``mode``: it is never readable by others, not
    even for a moment (no chmod-after-write). Without ``force``, O_EXCL refuses a file that
    appeared since the check; with it, a temp file replaces the old one atomically."""
    _make_parent(path)
    target = path
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    if force:
        target = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
    try:
        fd = os.open(target, flags, mode)
    except FileExistsError:
        raise KeyFileError(f"Key file {path} already exists; choose another --out, or add "
                           "--force to replace it (the old key stops working).",
                           path=path) from None
    except OSError as exc:
        raise KeyFileError(f"Cannot write key file {path} "
                           f"({exc.strerror or type(exc).__name__}); choose a writable --out.",
                           path=path) from None
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, mode)  # the umask may have taken owner bits; nothing is written yet
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        if force:
            os.replace(target, path)
    except BaseException:
        with contextlib.suppress(OSError):
            target.unlink()
        raise


# --- Ed25519 (retail API) ------------------------------------------------------------------

def ed25519_public_b64(seed: bytes) -> str:
    """The base64 public key of an Ed25519 seed: what the venue verifies signatures with."""
    return base64.b64encode(bytes(SigningKey(seed).verify_key)).decode("ascii")


def _ed25519_register_text(path: Path, public_b64: str) -> str:
    return (f"Ed25519 secret key: {path} (mode 0600; keep it there, never paste it).\n"
            f"Public key to register at https://polymarket.us/developer:\n"
            f"  {public_b64}\n"
            "The API key id (X-PM-Access-Key) comes from there; put it in your config with\n"
            f"this file's path as the secret key reference.")


def new_ed25519(path: Path, *, force: bool = False) -> str:
    """Write a fresh Ed25519 secret key to ``path`` (0600) and return what to register.

    The file holds standard base64 of the 32-byte seed: the form the retail SDK signs with
    (it truncates the 64-byte form to these 32 bytes anyway), and the smaller secret.
    """
    path = Path(path)
    _refuse_existing([path], force)
    seed = bytes(SigningKey.generate())  # bytes(SigningKey) is the 32-byte seed
    _write(path, base64.b64encode(seed) + b"\n", _PRIVATE_MODE, force)
    return _ed25519_register_text(path, ed25519_public_b64(seed))


def load_ed25519_seed(path: Path) -> bytes:
    """The 32-byte seed from an Ed25519 key file (after the permission check)."""
    from tui.venues.retail.signing import KeyHalvesError, load_seed

    path = Path(path)
    data = _read_private(path)
    try:
        return load_seed(data.decode("ascii"))
    except KeyHalvesError:
        raise KeyFileError(f"Key file {path} holds 64 bytes whose public half does not match "
                           "the seed; copy the secret key again from where it was issued.",
                           path=path) from None
    except ValueError:  # UnicodeDecodeError too: never echo what the file holds
        raise KeyFileError(f"Key file {path} {_ED25519_BAD}.", path=path) from None


# --- RSA (gateway Auth0 private-key JWT) ---------------------------------------------------

def rsa_public_pem(key: RSAPrivateKey) -> str:
    """The public key as PEM (SubjectPublicKeyInfo), the form onboarding registers."""
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo,
    ).decode("ascii")


def public_path(path: Path) -> Path:
    """Where ``new_rsa`` puts the public half: ``<path>.pub``."""
    return Path(path).with_name(Path(path).name + ".pub")


def _rsa_register_text(path: Path, pub: Path | None, pem: str) -> str:
    where = f"{pub} (also below)" if pub else "below"
    return (f"RSA private key: {path} (mode 0600; keep it there, never send it).\n"
            f"Public key to register with Polymarket for the gateway's Auth0 client: {where}\n"
            f"{pem.rstrip()}\n"
            "Polymarket issues the client_id for it; put that in your config with this\n"
            "file's path as the private key reference.")


def new_rsa(path: Path, *, force: bool = False, bits: int = 2048) -> str:
    """Write a fresh RSA key pair: PKCS#8 PEM private key (0600) and ``<path>.pub`` (0644)."""
    if bits < 2048:
        raise KeyFileError(f"RSA keys shorter than 2048 bits are refused ({bits} asked); "
                           "use --bits 2048 or more.", path=Path(path))
    path = Path(path)
    pub = public_path(path)
    _refuse_existing([path, pub], force)  # both checked before either is written
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    private_pem = key.private_bytes(serialization.Encoding.PEM,
                                    serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
    public_pem = rsa_public_pem(key)
    _write(path, private_pem, _PRIVATE_MODE, force)
    _write(pub, public_pem.encode("ascii"), _PUBLIC_MODE, force)
    return _rsa_register_text(path, pub, public_pem)


def load_rsa_private_key(path: Path) -> RSAPrivateKey:
    """An unencrypted RSA private key from PEM (PKCS#1 or PKCS#8), after the permission check."""
    path = Path(path)
    data = _read_private(path)
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError:  # cryptography's way of saying "this one needs a password"
        raise KeyFileError(f"Key file {path} is encrypted with a passphrase, and pmdesk reads "
                           f"only unencrypted keys; decrypt it with: openssl pkey -in {path} "
                           "-out NEW.pem (then chmod 600 NEW.pem).", path=path) from None
    except (ValueError, binascii.Error, UnsupportedAlgorithm):
        # never chain the library's error: some quote the offending bytes
        raise KeyFileError(f"Key file {path} is not a PEM RSA private key (PKCS#1 or PKCS#8); "
                           "make one with: pmdesk keys new --kind rsa.", path=path) from None
    if not isinstance(key, RSAPrivateKey):
        raise KeyFileError(f"Key file {path} holds a {type(key).__name__.lstrip('_')}, "
                           "not an RSA private key; the gateway's login needs RSA "
                           "(pmdesk keys new --kind rsa).", path=path)
    return key


def key_file_summary(path: Path, kind: str | None = None) -> str:
    """What to register for an existing private key file (``pmdesk keys show``).

    ``kind`` is "ed25519" or "rsa"; without it a PEM armour line means RSA.
    """
    path = Path(path)
    if kind is None:
        kind = "rsa" if b"-----BEGIN" in _read_private(path) else "ed25519"
    if kind == "secp256k1":
        from tui.core.clob_sign import Wallet

        return _secp256k1_text(path, Wallet.from_key(load_secp256k1_key(path)).address)
    if kind == "rsa":
        key = load_rsa_private_key(path)
        pub = public_path(path)
        return _rsa_register_text(path, pub if pub.exists() else None, rsa_public_pem(key))
    return _ed25519_register_text(path, ed25519_public_b64(load_ed25519_seed(path)))


# --- secp256k1 (the global CLOB's wallet) ---------------------------------------------------

def _secp256k1_text(path: Path, address: str) -> str:
    return (f"secp256k1 private key: {path} (mode 0600; keep it there, never paste it).\n"
            f"Its address (an EOA, signature type 0):\n  {address}\n"
            "Fund that address with pUSD on Polygon to trade from it, or name this file in a\n"
            "profile with signature_type and funder for a proxy, Safe or deposit wallet it owns.")


def new_secp256k1(path: Path, *, force: bool = False) -> str:
    """Write a fresh secp256k1 private key to ``path`` (0600, as 0x + 64 hex digits, the
    form wallets export) and return its address."""
    from tui.core.clob_sign import Wallet, new_key

    path = Path(path)
    _refuse_existing([path], force)
    key = new_key()
    _write(path, b"0x" + key.hex().encode() + b"\n", _PRIVATE_MODE, force)
    return _secp256k1_text(path, Wallet.from_key(key).address)


def load_secp256k1_key(path: Path) -> bytes:
    """The 32-byte private key from a secp256k1 key file (after the permission check)."""
    path = Path(path)
    data = _read_private(path)
    try:
        text = data.decode("ascii").strip().removeprefix("0x")
        key = bytes.fromhex(text)
    except ValueError:  # UnicodeDecodeError too: never echo what the file holds
        key = b""
    if len(key) != 32:
        raise KeyFileError(f"Key file {path} does not hold a secp256k1 private key (64 hex "
                           "digits, 0x first or not).", path=path)
    return key


# --- redaction -----------------------------------------------------------------------------

def _forms(secret: str | bytes) -> set[str]:
    """The ways a secret shows up in text: itself, and its base64 / hex spellings."""
    raw: list[bytes] = []
    out: set[str] = set()
    derived: set[str] = set()
    if isinstance(secret, bytes):
        raw.append(secret)
        with contextlib.suppress(UnicodeDecodeError):
            out.add(secret.decode("utf-8").strip())
    else:
        out.add(secret)
        out.add(secret.strip())
        raw.append(secret.encode("utf-8"))
        with contextlib.suppress(binascii.Error, ValueError):
            # a base64 secret (an Ed25519 key file's text) also leaks as its other spellings
            compact = "".join(secret.split())
            decoded = base64.b64decode(compact + "=" * (-len(compact) % 4), validate=True)
            if len(decoded) >= 16:
                raw.append(decoded)
        for line in secret.splitlines():  # a PEM body leaks line by line in tracebacks
            if len(line.strip()) >= 16 and not line.startswith("-----"):
                out.add(line.strip())
    for b in raw:
        if not b:
            continue
        for enc in (base64.b64encode(b), base64.urlsafe_b64encode(b)):
            text = enc.decode("ascii")
            derived.update({text, text.rstrip("=")})
        derived.add(b.hex())
    # a derived spelling of a tiny secret would match ordinary words; the secret itself stays
    return {f for f in out if f} | {f for f in derived if len(f) >= 8}


def redact(text: str, secrets: Iterable[str | bytes]) -> str:
    """``text`` with every secret (and its base64 and hex forms) replaced by ``***``."""
    return _masked(text, _all_forms(secrets))


def _all_forms(secrets: Iterable[str | bytes]) -> list[str]:
    """Every form of every secret, longest first: no half-redacted tail."""
    forms: set[str] = set()
    for s in secrets:
        if s:
            forms |= _forms(s)
    return sorted(forms, key=len, reverse=True)


def _masked(text: str, forms: list[str]) -> str:
    for form in forms:
        text = text.replace(form, "***")
    return text


class RedactFilter(logging.Filter):
    """A logging filter that redacts the given secrets from every record it passes."""

    def __init__(self, secrets: Iterable[str | bytes]) -> None:
        super().__init__()
        self._forms = _all_forms(secrets)  # worked out once, not for every log line

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        clean = _masked(message, self._forms)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_text:
            record.exc_text = _masked(record.exc_text, self._forms)
        return True


def redact_logs(secrets: Iterable[str | bytes]) -> None:
    """Every log line passes a filter that masks these secrets (and their encodings), on
    every handler there is now: the CLI's for what it was given, a venue's for what it
    learns once logged in (the CLOB's API secret and passphrase)."""
    wanted = [s for s in secrets if s]
    if wanted:
        for handler in logging.getLogger().handlers:
            handler.addFilter(RedactFilter(wanted))
