"""A real SFTP server on 127.0.0.1 for tests: paramiko's server side over a temporary folder.

Only the client key given at start may log in (public-key authentication);
files land in ``root``. ``start()`` may be called after ``stop()`` to bring
the same server back on the same port, which lets tests exercise retries.
"""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import paramiko
from paramiko.sftp import SFTP_FAILURE, SFTP_NO_SUCH_FILE, SFTP_OK, SFTP_PERMISSION_DENIED

__all__ = ["LocalSftpServer"]


class _Auth(paramiko.ServerInterface):
    def __init__(self, username: str, key: paramiko.PKey) -> None:
        self.username, self.key = username, key

    def get_allowed_auths(self, username: str) -> str:
        return "publickey"

    def check_auth_publickey(self, username: str, key: paramiko.PKey) -> int:
        if username == self.username and key.asbytes() == self.key.asbytes():
            return paramiko.AUTH_SUCCESSFUL
        return paramiko.AUTH_FAILED

    def check_channel_request(self, kind: str, chanid: int) -> int:
        if kind == "session":
            return paramiko.OPEN_SUCCEEDED
        return paramiko.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED


class _Handle(paramiko.SFTPHandle):
    def stat(self):
        return paramiko.SFTPAttributes.from_stat(os.fstat(self.readfile.fileno()))


class _Folder(paramiko.SFTPServerInterface):
    def __init__(self, server, root: Path, *args, **kwargs) -> None:
        super().__init__(server, *args, **kwargs)
        self.root = root

    def _path(self, path: str) -> Path:
        full = (self.root / path.lstrip("/")).resolve()
        if self.root not in (full, *full.parents):
            raise PermissionError(path)
        return full

    def _errno(self, exc: Exception) -> int:
        if isinstance(exc, FileNotFoundError):
            return SFTP_NO_SUCH_FILE
        if isinstance(exc, PermissionError):
            return SFTP_PERMISSION_DENIED
        return SFTP_FAILURE

    def canonicalize(self, path: str) -> str:
        return "/" + str(self._path(path).relative_to(self.root))

    def stat(self, path: str):
        try:
            return paramiko.SFTPAttributes.from_stat(os.stat(self._path(path)))
        except OSError as exc:
            return self._errno(exc)

    lstat = stat

    def list_folder(self, path: str):
        try:
            folder = self._path(path)
            out = []
            for name in os.listdir(folder):
                attr = paramiko.SFTPAttributes.from_stat(os.stat(folder / name))
                attr.filename = name
                out.append(attr)
            return out
        except OSError as exc:
            return self._errno(exc)

    def open(self, path: str, flags: int, attr):
        try:
            full = self._path(path)
            mode = "wb" if flags & (os.O_WRONLY | os.O_RDWR) else "rb"
            fh = open(full, mode)  # noqa: SIM115 - the handle owns it
        except OSError as exc:
            return self._errno(exc)
        handle = _Handle(flags)
        handle.filename = str(full)
        if mode == "wb":
            handle.writefile = fh
        else:
            handle.readfile = fh
        return handle

    def remove(self, path: str) -> int:
        try:
            os.remove(self._path(path))
            return SFTP_OK
        except OSError as exc:
            return self._errno(exc)

    def rename(self, oldpath: str, newpath: str) -> int:
        try:
            target = self._path(newpath)
            if target.exists():
                return SFTP_FAILURE
            os.rename(self._path(oldpath), target)
            return SFTP_OK
        except OSError as exc:
            return self._errno(exc)

    def posix_rename(self, oldpath: str, newpath: str) -> int:
        try:
            os.replace(self._path(oldpath), self._path(newpath))
            return SFTP_OK
        except OSError as exc:
            return self._errno(exc)

    def mkdir(self, path: str, attr) -> int:
        try:
            os.mkdir(self._path(path))
            return SFTP_OK
        except OSError as exc:
            return self._errno(exc)


class LocalSftpServer:
    """``with LocalSftpServer(root, "medbill", client_key) as server: server.port``."""

    def __init__(
        self,
        root: Path,
        username: str,
        client_key: paramiko.PKey,
        host_key: paramiko.PKey | None = None,
    ) -> None:
        self.root = root.resolve()
        self.username = username
        self.client_key = client_key
        self.host_key = host_key or paramiko.RSAKey.generate(2048)
        self.port = 0
        self.uploads = 0
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._transports: list[paramiko.Transport] = []

    def start(self) -> LocalSftpServer:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        sock.listen(5)
        self.port = sock.getsockname()[1]
        self._sock = sock
        self._thread = threading.Thread(target=self._serve, args=(sock,), daemon=True)
        self._thread.start()
        return self

    def _serve(self, sock: socket.socket) -> None:
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            transport = paramiko.Transport(conn)
            transport.add_server_key(self.host_key)
            transport.set_subsystem_handler("sftp", paramiko.SFTPServer, _Folder, self.root)
            self._transports.append(transport)
            try:
                transport.start_server(server=_Auth(self.username, self.client_key))
            except (paramiko.SSHException, EOFError, OSError):
                continue

    def stop(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        for t in self._transports:
            t.close()
        self._transports.clear()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> LocalSftpServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
