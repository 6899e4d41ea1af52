"""Clearinghouse profiles and the 837P files built for them.

A profile says how one clearinghouse (or payer) wants its files: envelope
ids, separators, line endings, claims per file, file names and how the file
travels (SFTP or a folder another program picks up). ``build_batch`` turns
claims into named files, holding out the claims that cannot be written;
control numbers come from the caller, which persists them so that none is
ever reused.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from medbill.core.claim import Claim
from medbill.core.x12 import (
    ControlNumbers,
    Delimiters,
    FieldFit,
    HeldClaim,
    InterchangeEnvelope,
    Submitter,
    plan_batches,
    screen_claims,
    write_837p,
)

__all__ = [
    "BuiltBatch",
    "ClearinghouseProfile",
    "OutgoingFile",
    "ProfileError",
    "build_batch",
    "build_files",
]

LINE_ENDINGS = {"none": "", "lf": "\n", "crlf": "\r\n"}


class ProfileError(ValueError):
    """A clearinghouse profile is incomplete or contradictory; names the setting."""


@dataclass(frozen=True, slots=True)
class ClearinghouseProfile:
    """How one trading partner receives 837P files."""

    name: str
    envelope: InterchangeEnvelope
    submitter: Submitter
    transport: str = "folder"  # folder or sftp
    delimiters: Delimiters = field(default_factory=Delimiters)
    line_ending: str = "\n"
    max_claims: int = 5000
    file_name: str = "{name}_{interchange:09d}_{created:%Y%m%d%H%M%S}.837"
    payer_ids: tuple[str, ...] = ()  # payers routed here; empty means any payer
    folder: str | None = None
    host: str | None = None
    port: int = 22
    username: str | None = None
    key_path: str | None = None
    host_key_sha256: str | None = None  # the server key's SHA256 fingerprint, base64
    remote_dir: str = "."
    # Where the partner leaves its answers (999, 277CA, 835) for pick-up: a folder, or a
    # directory on the same SFTP server. None: answers arrive some other way.
    inbound_folder: str | None = None
    inbound_remote_dir: str | None = None
    retries: int = 3
    backoff_seconds: float = 2.0

    def __post_init__(self) -> None:
        if not self.name or not self.name.replace("-", "").replace("_", "").isalnum():
            raise ProfileError("name: letters, digits, '-' and '_' only")
        if self.transport not in ("folder", "sftp"):
            raise ProfileError("transport: must be folder or sftp")
        if self.transport == "folder" and not self.folder:
            raise ProfileError("folder: required for the folder transport")
        if self.transport == "sftp":
            for name in ("host", "username", "key_path"):
                if not getattr(self, name):
                    raise ProfileError(f"{name}: required for the sftp transport")
        if self.max_claims < 1:
            raise ProfileError("max_claims: must be at least 1")
        if self.retries < 0 or self.backoff_seconds < 0:
            raise ProfileError("retries and backoff_seconds cannot be negative")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ClearinghouseProfile:
        """A profile from settings (JSON or the database), with clear errors."""
        try:
            d = dict(data)
            sep = d.pop("separators", {}) or {}
            ending = d.pop("line_ending", "lf")
            if ending not in LINE_ENDINGS:
                raise ProfileError("line_ending: must be none, lf or crlf")
            env = InterchangeEnvelope(
                sender_id=d.pop("sender_id"),
                receiver_id=d.pop("receiver_id"),
                sender_qualifier=d.pop("sender_qualifier", "ZZ"),
                receiver_qualifier=d.pop("receiver_qualifier", "ZZ"),
                usage=d.pop("usage", "P"),
                acknowledgment_requested=bool(d.pop("ta1", False)),
            )
            sub = Submitter(
                name=d.pop("submitter_name"),
                submitter_id=d.pop("submitter_id", env.sender_id),
                contact_name=d.pop("contact_name"),
                contact_phone=d.pop("contact_phone", None),
                contact_email=d.pop("contact_email", None),
                receiver_name=d.pop("receiver_name"),
                receiver_id=d.pop("receiver_code", env.receiver_id),
            )
            delimiters = Delimiters(
                element=sep.get("element", "*"),
                component=sep.get("component", ":"),
                repetition=sep.get("repetition", "^"),
                segment=sep.get("segment", "~"),
            )
            if (
                len(
                    {
                        delimiters.element,
                        delimiters.component,
                        delimiters.repetition,
                        delimiters.segment,
                    }
                )
                != 4
            ):
                raise ProfileError("separators: the four separators must differ")
            d["payer_ids"] = tuple(d.get("payer_ids", ()))
            return cls(
                envelope=env,
                submitter=sub,
                delimiters=delimiters,
                line_ending=LINE_ENDINGS[ending],
                **d,
            )
        except KeyError as exc:
            raise ProfileError(f"{exc.args[0]}: required") from None
        except TypeError as exc:
            raise ProfileError(f"unknown setting ({exc})") from None

    def handles(self, claim: Claim) -> bool:
        return not self.payer_ids or (claim.payer.payer_id or "") in self.payer_ids


@dataclass(frozen=True, slots=True)
class OutgoingFile:
    """One 837P file ready to send, with what the submission record needs."""

    name: str
    data: bytes
    sha256: str
    control: ControlNumbers
    claim_ids: tuple[str, ...]
    payer_ids: tuple[str, ...]
    profile: str
    created: datetime


@dataclass(frozen=True, slots=True)
class BuiltBatch:
    """The files written for a batch, the claims held out of them, and text changes.

    ``held`` names each claim kept out and the field at fault; ``fits`` pairs a
    claim id with a field the writer shortened or rewrote (a warning).
    """

    files: list[OutgoingFile]
    held: tuple[HeldClaim, ...]
    fits: tuple[tuple[str, FieldFit], ...]


def build_batch(
    claims: Sequence[Claim],
    profile: ClearinghouseProfile,
    next_control: Callable[[], ControlNumbers],
    created: datetime,
) -> BuiltBatch:
    """The files for ``claims`` under ``profile``, holding out every claim that cannot be
    written (a payer not routed here, a structural problem, a value that does not fit)
    so that one bad claim never sinks the others.

    ``next_control`` is called once per file, only for claims that will be written,
    so a held claim never uses up a control number.
    """
    routed, held = [], []
    for claim in claims:
        if profile.handles(claim):
            routed.append(claim)
        else:
            held.append(
                HeldClaim(
                    claim.claim_id,
                    "payer.payer_id",
                    f"payer {claim.payer.payer_id} is not routed to {profile.name}",
                )
            )
    screened = screen_claims(routed, profile.delimiters)
    files = []
    for batch in plan_batches(
        screened.ready, route_of=lambda c: profile.name, max_claims=profile.max_claims
    ):
        control = next_control()
        data = write_837p(
            batch.claims,
            profile.envelope,
            control,
            profile.submitter,
            created,
            delimiters=profile.delimiters,
            line_ending=profile.line_ending,
            reference=f"{control.interchange:09d}",
        )
        name = profile.file_name.format(
            name=profile.name, interchange=control.interchange, group=control.group, created=created
        )
        files.append(
            OutgoingFile(
                name,
                data,
                hashlib.sha256(data).hexdigest(),
                control,
                tuple(c.claim_id for c in batch.claims),
                batch.payers,
                profile.name,
                created,
            )
        )
    return BuiltBatch(files, tuple(held) + screened.held, screened.fits)


def build_files(
    claims: Sequence[Claim],
    profile: ClearinghouseProfile,
    next_control: Callable[[], ControlNumbers],
    created: datetime,
) -> list[OutgoingFile]:
    """The files for ``claims`` under ``profile``: split at its claim count.

    All or nothing, for callers that checked every claim first: a claim that
    cannot be written raises (``ProfileError`` for routing, ``X12WriteError``
    naming the claim and field) before any control number is used.
    ``build_batch`` holds such claims out instead.
    """
    from medbill.core.x12 import check_claim

    for claim in claims:
        if not profile.handles(claim):
            raise ProfileError(
                f"claim {claim.claim_id}: payer {claim.payer.payer_id} is not "
                f"routed to {profile.name}"
            )
        check_claim(claim, profile.delimiters)
    return build_batch(claims, profile, next_control, created).files
