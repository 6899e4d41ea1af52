"""Claim submission: clearinghouse profiles, 837P files per profile, and delivery."""

from medbill.core.submission.profiles import (
    ClearinghouseProfile,
    OutgoingFile,
    ProfileError,
    build_files,
)
from medbill.core.submission.transport import Delivery, DeliveryError, deliver, key_fingerprint

__all__ = [
    "ClearinghouseProfile",
    "Delivery",
    "DeliveryError",
    "OutgoingFile",
    "ProfileError",
    "build_files",
    "deliver",
    "key_fingerprint",
]
