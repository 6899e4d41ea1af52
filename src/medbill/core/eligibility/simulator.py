"""The payer's side of eligibility: answer 270 inquiries from a table of plans.

The table is plain data (JSON) so a demo or a test can describe the members
and benefits it wants::

    {"payers": {"BSHP01": {"name": "Badger State Health Plan"}},
     "plans": {"SILVER": {"name": "Silver PPO", "insurance_type": "PR",
                          "copay_office": "25", "copay_specialist": "50",
                          "deductible": "1500", "coinsurance": "0.20",
                          "out_of_pocket": "6000",
                          "out_of_network_coinsurance": "0.40"}},
     "members": [{"payer_id": "BSHP01", "member_id": "BSH88120455",
                  "last": "Halvorsen", "first": "Erik", "dob": "1971-08-19",
                  "sex": "M", "plan": "SILVER", "group_number": "GRP-4410",
                  "effective": "2026-01-01", "termination": null,
                  "deductible_met": "1160", "out_of_pocket_met": "1400",
                  "dependents": [{"last": "Halvorsen", "first": "Anna",
                                  "dob": "2015-04-02", "sex": "F"}]}]}
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from medbill.core.charset import same_in_x12
from medbill.core.money import Money
from medbill.core.x12.m270 import EligibilityInquiry
from medbill.core.x12.m271 import Answer, Benefit, Member, Rejection

__all__ = ["PlanTable", "PlanTableError", "answer"]


class PlanTableError(ValueError):
    """The simulator's table is malformed; names the entry and field."""


@dataclass(frozen=True, slots=True)
class _Plan:
    name: str
    insurance_type: str
    copay_office: Money | None
    copay_specialist: Money | None
    deductible: Money
    coinsurance: Decimal
    out_of_pocket: Money | None
    out_of_network_coinsurance: Decimal | None


@dataclass(frozen=True, slots=True)
class _Member:
    payer_id: str
    member_id: str
    last: str
    first: str
    dob: date | None
    sex: str | None
    plan: str
    group_number: str | None
    effective: date | None
    termination: date | None
    deductible_met: Money
    out_of_pocket_met: Money
    dependents: tuple[Member, ...]


def _money(
    entry: Mapping[str, Any], key: str, where: str, default: str | None = None
) -> Money | None:
    value = entry.get(key, default)
    if value is None:
        return None
    try:
        return Money(str(value))
    except ValueError:
        raise PlanTableError(f"{where}.{key}: not an amount") from None


def _amount(entry: Mapping[str, Any], key: str, where: str, default: str) -> Money:
    """An amount that may be left out (``default``) but not set to null."""
    value = _money(entry, key, where, default)
    if value is None:
        raise PlanTableError(f"{where}.{key}: not an amount")
    return value


def _date(entry: Mapping[str, Any], key: str, where: str) -> date | None:
    value = entry.get(key)
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise PlanTableError(f"{where}.{key}: expected YYYY-MM-DD") from None


class PlanTable:
    """Plans, members and the payers that cover them."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.payers: dict[str, str] = {
            pid: str(p.get("name", pid)) for pid, p in data.get("payers", {}).items()
        }
        self.plans: dict[str, _Plan] = {}
        for key, p in data.get("plans", {}).items():
            where = f"plans.{key}"
            self.plans[key] = _Plan(
                name=str(p.get("name", key)),
                insurance_type=str(p.get("insurance_type", "C1")),
                copay_office=_money(p, "copay_office", where),
                copay_specialist=_money(p, "copay_specialist", where),
                deductible=_amount(p, "deductible", where, "0"),
                coinsurance=Decimal(str(p.get("coinsurance", "0"))),
                out_of_pocket=_money(p, "out_of_pocket", where),
                out_of_network_coinsurance=(
                    Decimal(str(p["out_of_network_coinsurance"]))
                    if p.get("out_of_network_coinsurance") is not None
                    else None
                ),
            )
        self.members: dict[tuple[str, str], _Member] = {}
        for i, m in enumerate(data.get("members", [])):
            where = f"members[{i}]"
            for field in ("payer_id", "member_id", "last", "plan"):
                if not m.get(field):
                    raise PlanTableError(f"{where}.{field} is required")
            if m["plan"] not in self.plans:
                raise PlanTableError(f"{where}.plan: no plan named {m['plan']!r}")
            deps = tuple(
                Member(
                    last=d.get("last", m["last"]),
                    first=d.get("first"),
                    dob=_date(d, "dob", f"{where}.dependents[{j}]"),
                    sex=d.get("sex"),
                    relationship=d.get("relationship", "child"),
                )
                for j, d in enumerate(m.get("dependents", []))
            )
            member = _Member(
                payer_id=m["payer_id"],
                member_id=m["member_id"],
                last=m["last"],
                first=m.get("first", ""),
                dob=_date(m, "dob", where),
                sex=m.get("sex"),
                plan=m["plan"],
                group_number=m.get("group_number"),
                effective=_date(m, "effective", where),
                termination=_date(m, "termination", where),
                deductible_met=_amount(m, "deductible_met", where, "0"),
                out_of_pocket_met=_amount(m, "out_of_pocket_met", where, "0"),
                dependents=deps,
            )
            self.members[(member.payer_id, member.member_id.upper())] = member

    @classmethod
    def from_json(cls, text: str | bytes) -> PlanTable:
        try:
            return cls(json.loads(text))
        except json.JSONDecodeError as exc:
            raise PlanTableError(f"not valid JSON (line {exc.lineno})") from None


def answer(inquiry: EligibilityInquiry, table: PlanTable) -> Answer:
    """What the payer says about one inquiry, with realistic rejections."""
    if inquiry.payer_id not in table.payers:
        return Answer(inquiry, rejection=Rejection("source", "T4", "N"))
    if not (
        inquiry.provider.npi and len(inquiry.provider.npi) == 10 and inquiry.provider.npi.isdigit()
    ):
        return Answer(inquiry, rejection=Rejection("receiver", "43", "C"))
    if inquiry.date_of_service is None:
        return Answer(inquiry, rejection=Rejection("subscriber", "57", "C"))
    sub = inquiry.subscriber
    if not sub.member_id:
        return Answer(inquiry, rejection=Rejection("subscriber", "72", "C"))
    member = table.members.get((inquiry.payer_id, sub.member_id.upper()))
    if member is None:
        return Answer(inquiry, rejection=Rejection("subscriber", "75", "N"))
    if sub.dob and member.dob and sub.dob != member.dob and inquiry.dependent is None:
        return Answer(inquiry, rejection=Rejection("subscriber", "71", "C"))
    subscriber = Member(
        last=member.last,
        first=member.first,
        member_id=member.member_id,
        dob=member.dob,
        sex=member.sex,
        group_number=member.group_number,
    )
    dependent = None
    if inquiry.dependent is not None:
        wanted = inquiry.dependent
        dependent = next(
            (
                d
                for d in member.dependents
                if same_in_x12(d.first, wanted.first)
                and (wanted.dob is None or d.dob == wanted.dob)
            ),
            None,
        )
        if dependent is None:
            return Answer(
                inquiry, rejection=Rejection("dependent", "77", "C"), subscriber=subscriber
            )
    plan = table.plans[member.plan]
    dos = inquiry.date_of_service
    active = (member.effective is None or member.effective <= dos) and (
        member.termination is None or dos <= member.termination
    )
    if not active:
        benefits = (Benefit("6", "IND", ("30",), plan.insurance_type, plan.name),)
        return Answer(
            inquiry,
            benefits,
            subscriber=subscriber,
            dependent=dependent,
            plan_begin=member.effective,
        )
    return Answer(
        inquiry,
        _benefits(plan, member),
        subscriber=subscriber,
        dependent=dependent,
        plan_begin=member.effective,
    )


def _benefits(plan: _Plan, member: _Member) -> tuple[Benefit, ...]:
    level = "IND"
    out: list[Benefit] = [Benefit("1", level, ("30",), plan.insurance_type, plan.name)]
    if plan.copay_office is not None:
        out.append(
            Benefit("B", level, ("98",), period="27", amount=plan.copay_office, in_network="Y")
        )
    if plan.copay_specialist is not None:
        out.append(
            Benefit(
                "B",
                level,
                ("A0",),
                period="27",
                amount=plan.copay_specialist,
                in_network="Y",
                messages=("Specialist office visit",),
            )
        )
    if plan.deductible:
        left = max(plan.deductible - member.deductible_met, Money(0))
        out.append(
            Benefit("C", level, ("30",), period="23", amount=plan.deductible, in_network="Y")
        )
        out.append(Benefit("C", level, ("30",), period="29", amount=left, in_network="Y"))
    if plan.coinsurance:
        out.append(
            Benefit("A", level, ("30",), period="27", percent=plan.coinsurance, in_network="Y")
        )
    if plan.out_of_network_coinsurance is not None:
        out.append(
            Benefit(
                "A",
                level,
                ("30",),
                period="27",
                percent=plan.out_of_network_coinsurance,
                in_network="N",
            )
        )
    if plan.out_of_pocket is not None:
        left = max(plan.out_of_pocket - member.out_of_pocket_met, Money(0))
        out.append(
            Benefit("G", level, ("30",), period="23", amount=plan.out_of_pocket, in_network="Y")
        )
        out.append(Benefit("G", level, ("30",), period="29", amount=left, in_network="Y"))
    return tuple(out)
