"""Printed documents: superbill, encounter form, CMS-1500, statement, receipt, estimate.

Every renderer takes a document (dataclasses from ``medbill.core``) and returns
the PDF as bytes; nothing here opens files or talks to a database.
"""

from medbill.core.forms._grid import PrintAlignment
from medbill.core.forms.cms1500 import (
    Cms1500Error,
    Cms1500Page,
    Placed,
    cms1500_pages,
    render_cms1500,
)

__all__ = [
    "Cms1500Error",
    "Cms1500Page",
    "Placed",
    "PrintAlignment",
    "cms1500_pages",
    "render_cms1500",
]
