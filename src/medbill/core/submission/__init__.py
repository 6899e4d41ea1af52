"""Claim submission: clearinghouse profiles, 837P files per profile, and delivery."""

from medbill.core.submission.profiles import (
    BuiltBatch,
    ClearinghouseProfile,
    OutgoingFile,
    ProfileError,
    build_batch,
    build_files,
)
from medbill.core.submission.transport import Delivery, DeliveryError, deliver, key_fingerprint

__all__ = [
    "BuiltBatch",
    "ClearinghouseProfile",
    "Delivery",
    "DeliveryError",
    "OutgoingFile",
    "ProfileError",
    "build_batch",
    "build_files",
    "deliver",
    "key_fingerprint",
]
