"""Claim submission: clearinghouse profiles and the 837P files of each (sans-IO).

Delivering a file (to a folder or over SFTP) is I/O and lives in ``medbill.connect.delivery``.
"""

from medbill.core.submission.profiles import (
    ClearinghouseProfile,
    OutgoingFile,
    ProfileError,
    build_files,
)

__all__ = [
    "ClearinghouseProfile",
    "OutgoingFile",
    "ProfileError",
    "build_files",
]
