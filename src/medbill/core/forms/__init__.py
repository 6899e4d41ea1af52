"""Printed documents: superbill, encounter form, CMS-1500, statement, receipt, estimate.

Every renderer takes a document (dataclasses from ``medbill.core``) and returns
the PDF as bytes; nothing here opens files or talks to a database.
"""

from medbill.core.forms._grid import PrintAlignment
from medbill.core.forms._layout import Practice
from medbill.core.forms.cms1500 import (
    Cms1500Error,
    Cms1500Page,
    Placed,
    cms1500_pages,
    render_cms1500,
    render_cms1500_batch,
)
from medbill.core.forms.encounter_form import (
    CommonDiagnosis,
    EncounterForm,
    FeeScheduleItem,
    render_encounter_form,
    section_for,
)
from medbill.core.forms.estimate import (
    EstimateError,
    EstimateItem,
    GoodFaithEstimate,
    render_estimate,
)
from medbill.core.forms.receipt import PAYMENT_METHODS, Receipt, ReceiptError, render_receipt
from medbill.core.forms.statement import (
    Aging,
    Statement,
    StatementError,
    StatementLine,
    StatementVisit,
    render_statement,
    statements_csv,
)
from medbill.core.forms.superbill import Superbill, SuperbillError, dotted_icd, render_superbill

__all__ = [
    "PAYMENT_METHODS",
    "Aging",
    "EstimateError",
    "EstimateItem",
    "GoodFaithEstimate",
    "Receipt",
    "ReceiptError",
    "Statement",
    "StatementError",
    "StatementLine",
    "StatementVisit",
    "render_estimate",
    "render_receipt",
    "render_statement",
    "statements_csv",
    "Cms1500Error",
    "Cms1500Page",
    "CommonDiagnosis",
    "EncounterForm",
    "FeeScheduleItem",
    "Placed",
    "Practice",
    "PrintAlignment",
    "Superbill",
    "SuperbillError",
    "cms1500_pages",
    "dotted_icd",
    "render_cms1500",
    "render_cms1500_batch",
    "render_encounter_form",
    "render_superbill",
    "section_for",
]
