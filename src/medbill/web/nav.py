"""The main navigation of the web app.

One line per link: ``NavItem(label, url name, action the role needs or None, section)``.
Add a page of your area by adding a line here; the base template shows the links the
user's role allows, grouped by section in this order.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["NAV", "NavItem"]


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    action: str | None = None
    section: str = "Work"


NAV: list[NavItem] = [
    NavItem("Dashboard", "dashboard"),
    NavItem("Front desk", "desk_queue", "check_in", "Front desk"),
    NavItem("Schedule", "show_schedule", "check_in", "Front desk"),
    NavItem("Patients", "list_patients", "view_patients", "Front desk"),
    NavItem("Visits", "list_visits", "view_patients", "Front desk"),
    NavItem("Claims", "list_claims", "view_claims", "Billing"),
    NavItem("Claim queue", "claims_out_queue", "view_claims", "Billing"),
    NavItem("Build claims", "build_claims", "create_claims", "Billing"),
    NavItem("Remittances", "list_remittances", "view_claims", "Billing"),
    NavItem("Deposits", "list_deposits", "view_claims", "Billing"),
    NavItem("Unmatched money", "list_unmatched_money", "view_claims", "Billing"),
    NavItem("Paper EOB", "enter_paper_eob", "import_remittance", "Billing"),
    NavItem("PLB adjustments", "list_provider_adjustments", "view_claims", "Billing"),
    NavItem("Denials", "list_denials", "view_claims", "Billing"),
    NavItem("Deadlines", "list_deadlines", "view_claims", "Billing"),
    NavItem("Accounts", "list_accounts", "view_ledger", "Billing"),
    NavItem("Statements", "statement_runs", "send_statements", "Billing"),
    NavItem("A/R reports", "show_reports", "view_reports", "Oversight"),
    NavItem("Financials", "show_financials", "view_reports", "Oversight"),
    NavItem("Denial causes", "show_denial_causes", "view_reports", "Oversight"),
    NavItem("Coding queue", "list_coding_queue", "change_codes", "Coding"),
    NavItem("Code search", "search_codes", "view_claims", "Coding"),
    NavItem("Second review", "list_reviews", "review_codes", "Coding"),
    NavItem("Provider queries", "list_provider_queries", "edit_notes", "Coding"),
    NavItem("E/M levels", "show_em_distribution", "view_reports", "Oversight"),
    NavItem("Audit trail", "list_audit_events", "view_audit", "Oversight"),
    NavItem("Sign-in security", "show_practice_security", "manage_users", "Oversight"),
    NavItem("Practice setup", "show_setup", "manage_master_data", "Oversight"),
    NavItem("Recurring jobs", "list_jobs", "manage_jobs", "Oversight"),
    NavItem("Interface queue", "list_interface_messages", "manage_interfaces", "Billing"),
]
