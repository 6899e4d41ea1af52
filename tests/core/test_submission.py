"""Clearinghouse profiles, file building and delivery over a real SFTP server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import itertools
import socket
from datetime import datetime

import paramiko
import pytest

from medbill.connect.delivery import DeliveryError, deliver, key_fingerprint
from medbill.core.submission import (
    ClearinghouseProfile,
    ProfileError,
    build_files,
)
from medbill.core.x12 import ControlNumbers, X12WriteError, read_837p
from sftp_server import LocalSftpServer
from x12_claims import claim, dependent
from x12_pyx12 import pyx12_errors

CREATED = datetime(2026, 3, 10, 9, 30, 15)


@pytest.fixture(scope="module")
def client_key(tmp_path_factory):
    key = paramiko.RSAKey.generate(2048)
    path = tmp_path_factory.mktemp("keys") / "id_rsa"
    key.write_private_key_file(str(path))
    return key, str(path)


@pytest.fixture(scope="module")
def host_key():
    return paramiko.RSAKey.generate(2048)


def settings(**over):
    base = {
        "name": "prairie",
        "sender_id": "MEDBILL01",
        "receiver_id": "PRAIRIE",
        "submitter_name": "Cedar Valley Family Practice",
        "contact_name": "Billing Office",
        "contact_phone": "6085550142",
        "receiver_name": "Prairie Clearinghouse",
        "usage": "T",
        "transport": "folder",
        "folder": "/nonexistent",
    }
    base.update(over)
    return base


def counter(start=500):
    numbers = itertools.count(start)

    def next_control():
        n = next(numbers)
        return ControlNumbers(n, n)

    return next_control


def test_files_split_at_the_claim_count_and_validate(tmp_path):
    profile = ClearinghouseProfile.from_dict(settings(max_claims=3, folder=str(tmp_path)))
    claims = [claim(f"S-{i}") for i in range(5)] + [dependent("S-D")]
    files = build_files(claims, profile, counter(), CREATED)
    assert [f.claim_ids for f in files] == [("S-0", "S-1", "S-2"), ("S-3", "S-4", "S-D")]
    assert [f.control.interchange for f in files] == [500, 501]
    assert files[0].name == "prairie_000000500_20260310093015.837"
    for f in files:
        assert f.sha256 == hashlib.sha256(f.data).hexdigest()
        assert pyx12_errors(f.data) == []
        assert [r.claim.claim_id for r in read_837p(f.data)] == list(f.claim_ids)


def test_separators_and_line_endings_per_profile(tmp_path):
    profile = ClearinghouseProfile.from_dict(
        settings(
            folder=str(tmp_path),
            line_ending="crlf",
            separators={"element": "|", "component": "^", "repetition": "{", "segment": "~"},
        )
    )
    (f,) = build_files([claim()], profile, counter(), CREATED)
    assert f.data.startswith(b"ISA|00|") and b"~\r\nGS|HC|" in f.data
    assert b"SV1|HC^99214|185|UN|1|||1^2~" in f.data
    assert pyx12_errors(f.data) == []


def test_a_bad_claim_uses_no_control_number(tmp_path):
    profile = ClearinghouseProfile.from_dict(settings(folder=str(tmp_path)))
    used = []

    def next_control():
        used.append(1)
        return ControlNumbers(1, 1)

    with pytest.raises(X12WriteError, match="claim S-BAD: frequency_code|original_claim_ref"):
        build_files(
            [claim("S-1"), claim("S-BAD", frequency_code="8")], profile, next_control, CREATED
        )
    assert used == []


def test_claims_for_other_payers_are_refused(tmp_path):
    profile = ClearinghouseProfile.from_dict(settings(folder=str(tmp_path), payer_ids=["MCRWI"]))
    with pytest.raises(ProfileError, match="payer LCI220 is not routed to prairie"):
        build_files([claim()], profile, counter(), CREATED)


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"sender_id": None}, "sender_id"),
        ({"transport": "ftp"}, "transport"),
        ({"transport": "sftp", "host": "h", "username": "u"}, "key_path"),
        ({"line_ending": "cr"}, "line_ending"),
        ({"separators": {"element": "*", "component": "*"}}, "separators"),
        ({"max_claims": 0}, "max_claims"),
        ({"colour": "red"}, "unknown setting"),
    ],
)
def test_profile_errors_name_the_setting(over, message):
    data = {k: v for k, v in settings(**over).items() if v is not None}
    with pytest.raises(ProfileError, match=message):
        ClearinghouseProfile.from_dict(data)


def test_write_to_folder_never_overwrites(tmp_path):
    profile = ClearinghouseProfile.from_dict(settings(folder=str(tmp_path / "out")))
    (f,) = build_files([claim()], profile, counter(), CREATED)
    delivery = deliver(f, profile)
    assert (tmp_path / "out" / f.name).read_bytes() == f.data
    assert delivery.attempts == 1 and delivery.destination.endswith(f.name)
    assert [p.name for p in (tmp_path / "out").iterdir()] == [f.name]
    with pytest.raises(DeliveryError, match="never overwritten"):
        deliver(f, profile)


def sftp_profile(server, key_path, tmp_path, **over):
    values = dict(
        transport="sftp",
        folder=None,
        host="127.0.0.1",
        port=server.port,
        username="medbill",
        key_path=key_path,
        remote_dir="/inbound",
        retries=3,
        backoff_seconds=0.5,
        host_key_sha256=key_fingerprint(server.host_key),
    )
    values.update(over)
    return ClearinghouseProfile.from_dict(settings(**values))


def test_sftp_upload_with_key_auth(tmp_path, client_key, host_key):
    key, key_path = client_key
    (tmp_path / "inbound").mkdir()
    with LocalSftpServer(tmp_path, "medbill", key, host_key) as server:
        profile = sftp_profile(server, key_path, tmp_path)
        (f,) = build_files([claim(), dependent()], profile, counter(), CREATED)
        delivery = deliver(f, profile, sleep=lambda s: None)
    assert delivery.attempts == 1
    assert delivery.destination == (f"sftp://medbill@127.0.0.1:{server.port}/inbound/{f.name}")
    assert (tmp_path / "inbound" / f.name).read_bytes() == f.data
    assert sorted(p.name for p in (tmp_path / "inbound").iterdir()) == [f.name]


def test_sftp_retries_with_backoff_until_the_server_is_up(tmp_path, client_key, host_key):
    key, key_path = client_key
    (tmp_path / "inbound").mkdir()
    server = LocalSftpServer(tmp_path, "medbill", key, host_key)
    with socket.socket() as probe:  # a free port nobody listens on yet
        probe.bind(("127.0.0.1", 0))
        server.port = probe.getsockname()[1]
    profile = sftp_profile(server, key_path, tmp_path)
    (f,) = build_files([claim()], profile, counter(), CREATED)
    waits = []

    def sleep(seconds):
        waits.append(seconds)
        if len(waits) == 2:
            server.start()

    try:
        delivery = deliver(f, profile, sleep=sleep)
    finally:
        server.stop()
    assert waits == [0.5, 1.0]
    assert delivery.attempts == 3
    assert (tmp_path / "inbound" / f.name).read_bytes() == f.data


def test_sftp_gives_up_after_the_last_retry(tmp_path, client_key):
    _, key_path = client_key
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    profile = ClearinghouseProfile.from_dict(
        settings(
            transport="sftp",
            folder=None,
            host="127.0.0.1",
            port=port,
            username="medbill",
            key_path=key_path,
            retries=2,
            backoff_seconds=1,
        )
    )
    (f,) = build_files([claim()], profile, counter(), CREATED)
    waits = []
    with pytest.raises(DeliveryError, match="gave up after 3 attempts"):
        deliver(f, profile, sleep=waits.append)
    assert waits == [1, 2]


def test_sftp_refuses_a_wrong_key_and_a_wrong_host_key(tmp_path, client_key, host_key):
    key, key_path = client_key
    other = paramiko.RSAKey.generate(2048)
    other_path = tmp_path / "other"
    other.write_private_key_file(str(other_path))
    (tmp_path / "inbound").mkdir()
    with LocalSftpServer(tmp_path, "medbill", key, host_key) as server:
        wrong_user_key = sftp_profile(server, str(other_path), tmp_path, retries=0)
        (f,) = build_files([claim()], wrong_user_key, counter(), CREATED)
        with pytest.raises(DeliveryError, match="gave up after 1 attempts"):
            deliver(f, wrong_user_key, sleep=lambda s: None)
        spoofed = sftp_profile(
            server,
            key_path,
            tmp_path,
            host_key_sha256="AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        )
        with pytest.raises(DeliveryError, match="host key does not match"):
            deliver(f, spoofed, sleep=lambda s: None)
    assert list((tmp_path / "inbound").iterdir()) == []
