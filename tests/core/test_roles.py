"""Which role may do what (the rules the web app and API enforce)."""

from __future__ import annotations

import pytest

from medbill.core.roles import ACTIONS, ROLES, UnknownActionError, actions_for, can, roles_with


def test_the_six_roles():
    assert ROLES == ("front_desk", "coder", "biller", "manager", "auditor", "admin")


@pytest.mark.parametrize(
    ("role", "action", "allowed"),
    [
        ("coder", "post_payment", False),
        ("coder", "change_codes", True),
        ("front_desk", "change_codes", False),
        ("front_desk", "post_payment", True),  # copays at the desk
        ("front_desk", "check_in", True),
        ("biller", "submit_claims", True),
        ("biller", "change_codes", False),
        ("coder", "submit_claims", False),
        ("auditor", "view_audit", True),
        ("auditor", "post_payment", False),
        ("auditor", "change_codes", False),
        ("manager", "view_audit", True),
        ("manager", "change_codes", True),
        ("admin", "view_audit", True),
        ("admin", "manage_users", True),
        (None, "view_patients", False),
        ("stranger", "view_patients", False),
    ],
)
def test_rules(role, action, allowed):
    assert can(role, action) is allowed


def test_every_role_may_read_patients_and_only_admin_has_everything():
    for role in ROLES:
        assert can(role, "view_patients")
    assert actions_for("admin") == frozenset(ACTIONS)
    assert all(actions_for(r) <= frozenset(ACTIONS) for r in ROLES)


def test_auditor_changes_nothing():
    changing = {
        "edit_patients",
        "check_in",
        "edit_notes",
        "change_codes",
        "create_claims",
        "submit_claims",
        "post_payment",
        "post_adjustment",
        "manage_master_data",
        "manage_users",
        "import_remittance",
        "send_statements",
    }
    assert not actions_for("auditor") & changing


def test_unknown_action_is_an_error():
    with pytest.raises(UnknownActionError):
        can("admin", "launch_rockets")


def test_roles_with():
    assert roles_with("view_audit") == ("manager", "auditor", "admin")
    assert roles_with("post_payment") == ("front_desk", "biller", "manager", "admin")
    for action in ACTIONS:
        assert set(roles_with(action)) == {r for r in ROLES if can(r, action)}
    with pytest.raises(UnknownActionError):
        roles_with("fly")
