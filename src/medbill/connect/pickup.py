"""Picking up a partner's answers (999, 277CA, 835): from a folder, or from SFTP.

The counterpart of ``delivery``: it lists the inbound location named by the profile
(``inbound_folder`` or ``inbound_remote_dir`` on the profile's SFTP server) and reads the
files the caller has not seen yet. It never deletes or renames anything on the partner's
side: what was picked up is remembered by the caller (by name and content hash), so a file
left in place is read once.
"""

from __future__ import annotations

import hashlib
import logging
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import paramiko

from medbill.connect.delivery import DeliveryError, _load_key, key_fingerprint
from medbill.core.submission.profiles import ClearinghouseProfile

__all__ = ["IncomingFile", "PickupError", "pick_up"]

log = logging.getLogger(__name__)

# A partner's mailbox can hold years of files; one pick-up reads at most this many.
MAX_FILES = 500
MAX_BYTES = 200 * 1024 * 1024


class PickupError(RuntimeError):
    """The inbound location could not be read; says where and why."""


@dataclass(frozen=True, slots=True)
class IncomingFile:
    name: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def pick_up(profile: ClearinghouseProfile, seen: Callable[[str, int], bool]) -> list[IncomingFile]:
    """The files waiting in the profile's inbound location that ``seen(name, size)`` does
    not already know, oldest first; empty when the profile has no inbound location."""
    if profile.inbound_folder:
        return _from_folder(Path(profile.inbound_folder), seen)
    if profile.inbound_remote_dir and profile.transport == "sftp":
        return _from_sftp(profile, seen)
    return []


def _wanted(name: str, size: int, seen: Callable[[str, int], bool]) -> bool:
    # Partners write under a temporary name (a leading dot or .part) and rename when done.
    return (
        not name.startswith(".")
        and not name.endswith(".part")
        and size > 0
        and size <= MAX_BYTES
        and not seen(name, size)
    )


def _from_folder(folder: Path, seen: Callable[[str, int], bool]) -> list[IncomingFile]:
    if not folder.is_dir():
        raise PickupError(f"inbound_folder {folder}: no such folder")
    entries = sorted(
        (p for p in folder.iterdir() if p.is_file()), key=lambda p: (p.stat().st_mtime, p.name)
    )
    files = []
    for path in entries:
        if _wanted(path.name, path.stat().st_size, seen):
            files.append(IncomingFile(path.name, path.read_bytes()))
        if len(files) >= MAX_FILES:
            break
    return files


def _from_sftp(
    profile: ClearinghouseProfile, seen: Callable[[str, int], bool]
) -> list[IncomingFile]:
    assert profile.host and profile.username and profile.key_path and profile.inbound_remote_dir
    try:
        key = _load_key(profile.key_path)
    except DeliveryError as exc:
        raise PickupError(str(exc)) from None
    where = (
        f"sftp://{profile.username}@{profile.host}:{profile.port}/"
        f"{profile.inbound_remote_dir.lstrip('/')}"
    )
    transport = paramiko.Transport((profile.host, profile.port))
    try:
        transport.start_client(timeout=15)
        server_key = transport.get_remote_server_key()
        if profile.host_key_sha256 and key_fingerprint(
            server_key
        ) != profile.host_key_sha256.removeprefix("SHA256:"):
            raise PickupError(
                f"{profile.host}: the server's host key does not match "
                f"host_key_sha256; refusing to read"
            )
        transport.auth_publickey(profile.username, key)
        sftp = paramiko.SFTPClient.from_transport(transport)
        assert sftp is not None
        try:
            listing = [
                a
                for a in sftp.listdir_attr(profile.inbound_remote_dir)
                if a.st_mode is not None and stat.S_ISREG(a.st_mode)
            ]
            listing.sort(key=lambda a: (a.st_mtime or 0, a.filename))
            files = []
            for attr in listing:
                if not _wanted(attr.filename, attr.st_size or 0, seen):
                    continue
                remote = f"{profile.inbound_remote_dir.rstrip('/')}/{attr.filename}"
                with sftp.open(remote, "rb") as handle:
                    files.append(IncomingFile(attr.filename, handle.read()))
                if len(files) >= MAX_FILES:
                    break
            return files
        finally:
            sftp.close()
    except (OSError, paramiko.SSHException, EOFError) as exc:
        log.warning("sftp pick-up from %s failed: %s", profile.name, type(exc).__name__)
        raise PickupError(f"{where}: {type(exc).__name__}: {exc}") from None
    finally:
        transport.close()
