"""Claim documents for many claims at once (kept here for the claims-out callers).

The builder itself is ``medbill.web.billing.documents.claim_documents``: one place turns
claim rows into claim documents, for one claim or a thousand.
"""

from __future__ import annotations

from medbill.web.billing.documents import claim_documents

__all__ = ["claim_documents"]
