"""Claim submission: clearinghouse profiles and the 837P files of each (sans-IO).

Delivering a file (to a folder or over SFTP) is I/O and lives in ``medbill.connect.delivery``.
"""

from medbill.core.submission.profiles import (
    BuiltBatch,
    ClearinghouseProfile,
    OutgoingFile,
    ProfileError,
    build_batch,
    build_files,
)

__all__ = [
    "BuiltBatch",
    "ClearinghouseProfile",
    "OutgoingFile",
    "ProfileError",
    "build_batch",
    "build_files",
]
