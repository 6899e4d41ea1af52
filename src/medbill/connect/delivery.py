"""Sending a built file to a clearinghouse: SFTP with key authentication, or a folder.

Both write under a temporary name and rename when complete, so the partner
never picks up half a file. SFTP retries with exponential backoff; ``sleep``
is a parameter so tests (and the caller's scheduler) control the waiting.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import posixpath
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import paramiko

from medbill.core.submission.profiles import ClearinghouseProfile, OutgoingFile

__all__ = ["Delivery", "DeliveryError", "deliver", "key_fingerprint"]

log = logging.getLogger(__name__)


class DeliveryError(RuntimeError):
    """The file could not be delivered after every attempt; says where and why."""


@dataclass(frozen=True, slots=True)
class Delivery:
    """Where a file went and how many attempts it took."""

    destination: str
    attempts: int


def key_fingerprint(key: paramiko.PKey) -> str:
    """SHA256 fingerprint of a public key, base64 without padding (as ``ssh-keygen -l``)."""
    digest = hashlib.sha256(key.asbytes()).digest()
    return base64.b64encode(digest).decode().rstrip("=")


def deliver(
    file: OutgoingFile,
    profile: ClearinghouseProfile,
    sleep: Callable[[float], None] = time.sleep,
) -> Delivery:
    """Send one file by the profile's transport."""
    if profile.transport == "folder":
        return _to_folder(file, profile)
    return _by_sftp(file, profile, sleep)


def _to_folder(file: OutgoingFile, profile: ClearinghouseProfile) -> Delivery:
    assert profile.folder is not None
    folder = Path(profile.folder)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / file.name
    if target.exists():
        raise DeliveryError(f"{target} already exists; a file is never overwritten")
    partial = folder / f".{file.name}.part"
    partial.write_bytes(file.data)
    os.replace(partial, target)
    return Delivery(str(target), 1)


def _load_key(path: str) -> paramiko.PKey:
    errors = []
    for kind in (paramiko.Ed25519Key, paramiko.ECDSAKey, paramiko.RSAKey):
        try:
            return kind.from_private_key_file(path)
        except (paramiko.SSHException, ValueError) as exc:
            errors.append(str(exc))
    raise DeliveryError(f"key_path {path}: not a private key paramiko can read")


def _by_sftp(
    file: OutgoingFile, profile: ClearinghouseProfile, sleep: Callable[[float], None]
) -> Delivery:
    assert profile.host and profile.username and profile.key_path
    key = _load_key(profile.key_path)
    remote = posixpath.join(profile.remote_dir, file.name)
    destination = f"sftp://{profile.username}@{profile.host}:{profile.port}/{remote.lstrip('/')}"
    last: Exception | None = None
    for attempt in range(1, profile.retries + 2):
        try:
            _upload(file, profile, key, remote)
            return Delivery(destination, attempt)
        except DeliveryError:
            raise
        except (OSError, paramiko.SSHException, EOFError) as exc:
            last = exc
            log.warning(
                "sftp upload to %s failed (attempt %d): %s",
                profile.name,
                attempt,
                type(exc).__name__,
            )
            if attempt <= profile.retries:
                sleep(profile.backoff_seconds * 2 ** (attempt - 1))
    raise DeliveryError(
        f"{destination}: gave up after {profile.retries + 1} attempts "
        f"({type(last).__name__}: {last})"
    )


def _upload(
    file: OutgoingFile, profile: ClearinghouseProfile, key: paramiko.PKey, remote: str
) -> None:
    transport = paramiko.Transport((profile.host, profile.port))
    try:
        transport.start_client(timeout=15)
        server_key = transport.get_remote_server_key()
        if profile.host_key_sha256 and key_fingerprint(
            server_key
        ) != profile.host_key_sha256.removeprefix("SHA256:"):
            raise DeliveryError(
                f"{profile.host}: the server's host key does not match "
                f"host_key_sha256; refusing to send"
            )
        transport.auth_publickey(profile.username, key)
        sftp = paramiko.SFTPClient.from_transport(transport)
        assert sftp is not None
        try:
            try:
                sftp.stat(remote)
            except FileNotFoundError:
                pass
            else:
                raise DeliveryError(
                    f"{remote} already exists on {profile.host}; a file is never overwritten"
                )
            partial = posixpath.join(profile.remote_dir, f".{file.name}.part")
            with sftp.open(partial, "wb") as fh:
                fh.write(file.data)
            sftp.posix_rename(partial, remote)
            if sftp.stat(remote).st_size != len(file.data):
                raise OSError("the uploaded file has the wrong size")
        finally:
            sftp.close()
    finally:
        transport.close()
