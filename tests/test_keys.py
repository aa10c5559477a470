"""Key files: made private, refused when readable by others, loaded, and never printed."""

from __future__ import annotations

import argparse
import base64
import logging
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from nacl.signing import SigningKey, VerifyKey

from tui.cli.main import _load
from tui.cli.parser import add_keys
from tui.venues.keys import (
    KeyFileError,
    RedactFilter,
    check_private,
    load_ed25519_seed,
    load_rsa_private_key,
    new_ed25519,
    new_rsa,
    redact,
)

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def printed_ed25519_public(text: str) -> VerifyKey:
    # the line after "Public key to register" is the base64 public key
    match = re.search(r"register at \S+\n\s+(\S+)", text)
    assert match, text
    return VerifyKey(base64.b64decode(match.group(1)))


def write_private(path: Path, data: bytes, file_mode: int = 0o600) -> Path:
    path.write_bytes(data)
    path.chmod(file_mode)
    return path


def run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="pmdesk")
    add_keys(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return int(_load(args.func)(args))


def test_new_ed25519_is_private_and_signs_for_the_printed_public_key(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "retail.key"
    text = new_ed25519(path)
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700  # a directory it made is private too
    seed = load_ed25519_seed(path)
    assert len(seed) == 32
    assert base64.b64decode(path.read_text()) == seed  # spec §2.3: base64 of the seed
    message = b"1735689600123POST/v1/orders"
    signed = SigningKey(seed).sign(message)
    assert printed_ed25519_public(text).verify(signed) == message
    assert path.read_text().strip() not in text


def test_new_rsa_writes_private_0600_and_public_0644_that_verifies(tmp_path: Path) -> None:
    path = tmp_path / "gateway.pem"
    text = new_rsa(path)
    pub = tmp_path / "gateway.pem.pub"
    assert mode(path) == 0o600
    assert mode(pub) == 0o644
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")  # PKCS#8
    key = load_rsa_private_key(path)
    assert key.key_size == 2048
    public = serialization.load_pem_public_key(pub.read_bytes())
    assert isinstance(public, rsa.RSAPublicKey)
    signature = key.sign(b"assertion", padding.PKCS1v15(), hashes.SHA256())
    public.verify(signature, b"assertion", padding.PKCS1v15(), hashes.SHA256())  # RS256
    assert pub.read_text().strip() in text and str(pub) in text
    assert "PRIVATE" not in text


def test_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    path = tmp_path / "retail.key"
    new_ed25519(path)
    first = path.read_bytes()
    with pytest.raises(KeyFileError, match=r"already exists.*--force"):
        new_ed25519(path)
    assert path.read_bytes() == first
    new_ed25519(path, force=True)
    assert path.read_bytes() != first
    assert mode(path) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["retail.key"]  # no temp file left


def test_rsa_refuses_when_only_the_public_file_exists(tmp_path: Path) -> None:
    (tmp_path / "gw.pem.pub").write_text("someone else's")
    with pytest.raises(KeyFileError, match=r"gw\.pem\.pub already exists"):
        new_rsa(tmp_path / "gw.pem")
    assert not (tmp_path / "gw.pem").exists()  # nothing half-written


def test_force_replaces_a_readable_file_with_a_private_one(tmp_path: Path) -> None:
    path = write_private(tmp_path / "old.key", b"old", 0o644)
    new_ed25519(path, force=True)
    assert mode(path) == 0o600


@pytest.mark.parametrize("loader", [load_ed25519_seed, load_rsa_private_key, check_private])
def test_a_key_readable_by_others_is_refused_with_the_fix(
        tmp_path: Path, loader: Callable[[Path], object]) -> None:
    path = tmp_path / "k"
    new_ed25519(path) if loader is not load_rsa_private_key else new_rsa(path)
    path.chmod(0o644)
    with pytest.raises(KeyFileError) as err:
        loader(path)
    assert f"chmod 600 {path}" in str(err.value)
    assert "0644" in str(err.value)


def test_group_readable_is_refused_too(tmp_path: Path) -> None:
    path = tmp_path / "k"
    new_ed25519(path)
    path.chmod(0o640)
    with pytest.raises(KeyFileError, match="chmod 600"):
        check_private(path)


def test_a_symlink_is_judged_by_its_target(tmp_path: Path) -> None:
    target = tmp_path / "real.key"
    new_ed25519(target)
    link = tmp_path / "link.key"
    link.symlink_to(target)
    assert len(load_ed25519_seed(link)) == 32  # private target: fine
    target.chmod(0o604)
    with pytest.raises(KeyFileError, match=f"chmod 600 {re.escape(str(target.resolve()))}"):
        check_private(link)


def test_missing_file_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError, match="does not exist; create one with: pmdesk keys new"):
        check_private(tmp_path / "nope.key")


def test_garbage_is_a_clear_sentence_without_the_content(tmp_path: Path) -> None:
    secretish = b"not-base64 but maybe a secret!!"
    path = write_private(tmp_path / "junk.key", secretish)
    with pytest.raises(KeyFileError) as err:
        load_ed25519_seed(path)
    assert str(err.value) == (f"Key file {path} is not an Ed25519 secret key "
                              "(expected base64 of 32 or 64 bytes).")
    with pytest.raises(KeyFileError, match="not a PEM RSA private key") as err:
        load_rsa_private_key(path)
    assert secretish.decode() not in str(err.value)


def test_wrong_length_base64_is_refused(tmp_path: Path) -> None:
    path = write_private(tmp_path / "short.key", base64.b64encode(b"x" * 31))
    with pytest.raises(KeyFileError, match="expected base64 of 32 or 64 bytes"):
        load_ed25519_seed(path)


def test_the_64_byte_form_is_seed_then_public(tmp_path: Path) -> None:
    key = SigningKey.generate()
    both = bytes(key) + bytes(key.verify_key)
    path = write_private(tmp_path / "64.key", base64.b64encode(both) + b"\n")
    assert load_ed25519_seed(path) == bytes(key)
    # halves that do not belong together are a broken copy, not a key
    other = bytes(key) + bytes(SigningKey.generate().verify_key)
    write_private(path, base64.b64encode(other))
    with pytest.raises(KeyFileError, match="public half does not match"):
        load_ed25519_seed(path)


def test_pkcs1_rsa_is_accepted_and_encrypted_is_explained(tmp_path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pkcs1 = key.private_bytes(serialization.Encoding.PEM,
                              serialization.PrivateFormat.TraditionalOpenSSL,
                              serialization.NoEncryption())
    path = write_private(tmp_path / "pkcs1.pem", pkcs1)
    assert load_rsa_private_key(path).private_numbers() == key.private_numbers()
    encrypted = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.BestAvailableEncryption(b"pw"))
    write_private(path, encrypted)
    with pytest.raises(KeyFileError, match=r"encrypted with a passphrase.*openssl pkey"):
        load_rsa_private_key(path)


def test_an_ed25519_pem_is_not_taken_for_rsa(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric import ed25519
    pem = ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())
    path = write_private(tmp_path / "ed.pem", pem)
    with pytest.raises(KeyFileError, match="not an RSA private key"):
        load_rsa_private_key(path)


@pytest.mark.parametrize("kind", ["ed25519", "rsa"])
def test_cli_keys_new_prints_the_public_key_never_the_private(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str) -> None:
    path = tmp_path / f"{kind}.key"
    assert run_cli(["keys", "new", "--kind", kind, "--out", str(path)]) == 0
    out, err = capsys.readouterr()
    secret = path.read_text()
    body = [line for line in secret.splitlines() if not line.startswith("-----")]
    for line in body:
        assert line not in out + err
    if kind == "ed25519":
        seed = load_ed25519_seed(path)
        assert base64.b64encode(bytes(SigningKey(seed).verify_key)).decode() in out
    else:
        assert (tmp_path / "rsa.key.pub").read_text().strip() in out
    assert mode(path) == 0o600

    # again without --force: refused, exit 1, one line naming the file
    assert run_cli(["keys", "new", "--kind", kind, "--out", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and str(path) in err and err.count("\n") == 1
    assert path.read_text() == secret

    # show prints the same public key again, still not the secret
    assert run_cli(["keys", "show", str(path)]) == 0
    shown, err = capsys.readouterr()
    assert all(line not in shown + err for line in body)
    assert "Public key to register" in shown


def test_cli_keys_new_defaults_to_the_config_dir(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("tui.cli.keys.user_config_dir",
                        lambda app, appauthor=None: str(tmp_path / "cfg" / app))
    assert run_cli(["keys", "new", "--kind", "ed25519"]) == 0
    path = tmp_path / "cfg" / "pmdesk" / "keys" / "retail-ed25519.key"
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    assert str(path) in capsys.readouterr().out


def test_cli_show_of_a_readable_key_says_how_to_fix(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "k.key"
    new_ed25519(path)
    path.chmod(0o644)
    assert run_cli(["keys", "show", str(path)]) == 1
    assert f"chmod 600 {path}" in capsys.readouterr().err


def test_redact_removes_secrets_and_their_base64_forms() -> None:
    seed = bytes(range(1, 33))
    b64 = base64.b64encode(seed).decode()
    url = base64.urlsafe_b64encode(seed).decode().rstrip("=")
    text = f"key={b64} url={url} hex={seed.hex()} token=eyJhbGci.abc.def ok"
    clean = redact(text, [seed, "eyJhbGci.abc.def"])
    assert clean == "key=*** url=*** hex=*** token=*** ok"
    # a secret given as its base64 text is caught in its raw-bytes spellings too
    assert redact(f"hex {seed.hex()}", [b64]) == "hex ***"
    assert redact("nothing here", [b"", ""]) == "nothing here"


def test_redact_pem_lines_and_log_filter(caplog: pytest.LogCaptureFixture) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    line = pem.splitlines()[3]
    assert line not in redact(f"parse error near {line!r}", [pem])
    logger = logging.getLogger("test_keys.redact")
    logger.addFilter(RedactFilter([pem, "s3cret-password"]))
    try:
        with caplog.at_level(logging.WARNING, logger="test_keys.redact"):
            logger.warning("login failed for %s with %s", "alice", "s3cret-password")
            try:
                raise ValueError(f"bad key {line}")
            except ValueError:
                logger.exception("load failed")
    finally:
        logger.filters.clear()
    assert "s3cret-password" not in caplog.text and line not in caplog.text
    assert "login failed for alice with ***" in caplog.text
