"""Roles of the billing office and what each may do.

Framework-free: the web app asks ``can(role, action)`` before it lets a user act.
A user holds one role per practice (a front-desk clerk at one practice may be a
biller at another).
"""

from __future__ import annotations

__all__ = [
    "ACTIONS",
    "ROLES",
    "ROLE_LABELS",
    "UnknownActionError",
    "actions_for",
    "can",
    "roles_with",
]

FRONT_DESK = "front_desk"
CODER = "coder"
BILLER = "biller"
MANAGER = "manager"
AUDITOR = "auditor"
ADMIN = "admin"

ROLES: tuple[str, ...] = (FRONT_DESK, CODER, BILLER, MANAGER, AUDITOR, ADMIN)

ROLE_LABELS: dict[str, str] = {
    FRONT_DESK: "Front desk",
    CODER: "Coder",
    BILLER: "Biller",
    MANAGER: "Practice manager",
    AUDITOR: "Auditor",
    ADMIN: "Administrator",
}

# Every action the application checks. Add new ones here and grant them below.
ACTIONS: dict[str, str] = {
    "view_patients": "see patient demographics, coverage and visits",
    "edit_patients": "register patients, edit demographics and coverage",
    "check_in": "schedule, check in and check out visits",
    "view_notes": "read clinical notes",
    "edit_notes": "write clinical notes",
    "change_codes": "set diagnoses and service lines of a visit",
    "review_codes": "sign off a coded visit (second review)",
    "view_claims": "see claims and their status",
    "create_claims": "build and scrub claims from coded visits",
    "submit_claims": "send claims to a clearinghouse",
    "check_claim_status": "ask payers where claims stand (276/277)",
    "post_payment": "post payments to the ledger",
    "post_adjustment": "post adjustments, transfers and refunds",
    "view_ledger": "see ledger entries and balances",
    "import_remittance": "import 835 remittances and acknowledgements",
    "check_eligibility": "send eligibility inquiries",
    "send_statements": "produce patient statements",
    "view_reports": "see A/R and productivity reports",
    "manage_master_data": "edit providers, locations, payers and fee schedules",
    "manage_users": "grant and revoke access to the practice",
    "view_audit": "browse the audit trail",
    "manage_jobs": "see, switch and run the practice's recurring jobs",
    "manage_interfaces": "see, fix and replay the messages the practice's EHR sends",
}

_READ = {"view_patients", "view_claims", "view_ledger"}

_GRANTS: dict[str, frozenset[str]] = {
    FRONT_DESK: frozenset(
        _READ | {"edit_patients", "check_in", "post_payment", "check_eligibility"}
    ),
    CODER: frozenset(_READ | {"view_notes", "edit_notes", "change_codes", "review_codes"}),
    BILLER: frozenset(
        _READ
        | {
            "edit_patients",
            "view_notes",
            "create_claims",
            "submit_claims",
            "check_claim_status",
            "post_payment",
            "post_adjustment",
            "import_remittance",
            "check_eligibility",
            "send_statements",
            "view_reports",
            "manage_interfaces",
        }
    ),
    # A manager reads the audit trail of their practices (the pages tell them changes are
    # recorded there); changing users stays with the admin.
    MANAGER: frozenset(set(ACTIONS) - {"manage_users"}),
    AUDITOR: frozenset(_READ | {"view_notes", "view_reports", "view_audit"}),
    ADMIN: frozenset(ACTIONS),
}


class UnknownActionError(KeyError):
    """An action name that is not in ``ACTIONS`` (a typo in a permission check)."""


def can(role: str | None, action: str) -> bool:
    """Whether ``role`` may perform ``action``. No role (no membership) may do nothing.

    Raises ``UnknownActionError`` for an action that is not listed in ``ACTIONS`` so a
    misspelt check fails loudly instead of silently denying.
    """
    if action not in ACTIONS:
        raise UnknownActionError(action)
    if role is None:
        return False
    return action in _GRANTS.get(role, frozenset())


def actions_for(role: str | None) -> frozenset[str]:
    """Every action ``role`` may perform."""
    return _GRANTS.get(role or "", frozenset())


def roles_with(action: str) -> tuple[str, ...]:
    """The roles that may perform ``action`` (for filtering memberships in a query)."""
    if action not in ACTIONS:
        raise UnknownActionError(action)
    return tuple(role for role in ROLES if action in _GRANTS[role])
