"""BAI2 (BTRS) cash-management files: the deposits in their 16 records, checked whole.

A file is records, one or more per line, each ending with ``/``::

    01 file header        01,sender,receiver,YYMMDD,HHMM,file id,rec len,block,2/
    02 group header       02,receiver,originator,status,YYMMDD,HHMM,currency,modifier/
    03 account            03,account,currency,[type,amount,count,funds]*/
    16 transaction        16,type,amount,funds[,funds details],bank ref,customer ref,text
    88 continuation       88,... (continues the record before it)
    49 account trailer    49,control total,record count/
    98 group trailer      98,control total,account count,record count/
    99 file trailer       99,control total,group count,record count/

Amounts are whole cents without a decimal point (USD). The control totals are checked:
an account's 49 total is the sum of the amounts in its 03 and 16 records, a group's 98
total the sum of its 49 totals, the file's 99 total the sum of the 98 totals; record
counts include the header and trailer records and every 88. A file whose totals or
counts do not add up is refused whole, naming the line.

A 16 record's text runs to the end of the record (it may hold commas and need no ``/``);
an 88 that follows a 16 continues the text without a separator. Credits (type codes
100–399) are deposits; debits (400–699) are listed as skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from medbill.core.bank._deposit import (
    BankFileError,
    BankStatement,
    Deposit,
    check_amount,
    check_date,
)
from medbill.core.money import Money

__all__ = ["read_bai2", "write_bai2"]


@dataclass
class _Record:
    code: str
    fields: list[str]
    line: int
    lines: int = 1  # physical records: itself and its 88 continuations
    text: str = ""  # a 16 record's free text


@dataclass
class _Account:
    number: str
    line: int
    total: int = 0
    records: int = 1
    deposits: list[Deposit] = field(default_factory=list)


def _records(data: bytes) -> list[_Record]:
    try:
        content = data.decode("ascii")
    except UnicodeDecodeError as exc:
        where = data[: exc.start].count(b"\n") + 1
        raise BankFileError("a character that is not plain text (ASCII)", where) from None
    out: list[_Record] = []
    for number, raw in enumerate(content.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        code, _, rest = line.partition(",")
        if code == "88":
            if not out:
                raise BankFileError("a continuation (88) before any record", number, "record")
            prev = out[-1]
            prev.lines += 1
            if prev.code == "16":
                prev.text += rest.rstrip("/") if rest.endswith("/") else rest
            else:
                prev.fields += _split(rest)
            continue
        if code not in {"01", "02", "03", "16", "49", "98", "99"}:
            raise BankFileError(
                f"record type {code!r} is not a BAI2 record (01, 02, 03, 16, 88, 49, 98, 99)",
                number,
                "record type",
            )
        if code == "16":
            parts = rest.split(",")
            out.append(_Record(code, parts, number))
            continue
        out.append(_Record(code, _split(rest), number))
    return out


def _split(rest: str) -> list[str]:
    return rest.rstrip().removesuffix("/").split(",")


def _cents(value: str, line: int, what: str, *, signed: bool = False) -> int:
    text = value.strip()
    if not text:
        return 0
    body = text[1:] if signed and text[0] in "+-" else text
    if not body.isdigit():
        raise BankFileError(f"{value!r} is not an amount in cents (digits only)", line, what)
    cents = int(body)
    return -cents if text.startswith("-") else cents


def _count(value: str, line: int, what: str) -> int:
    if not value.strip().isdigit():
        raise BankFileError(f"{value!r} is not a count", line, what)
    return int(value)


def _date(value: str, line: int, what: str) -> date:
    text = value.strip()
    if len(text) != 6 or not text.isdigit():
        raise BankFileError(f"{value!r} is not a date (YYMMDD)", line, what)
    try:
        return date(2000 + int(text[:2]), int(text[2:4]), int(text[4:]))
    except ValueError:
        raise BankFileError(f"{value!r} is not a date (YYMMDD)", line, what) from None


def _need(rec: _Record, count: int, what: str) -> None:
    if len(rec.fields) < count:
        raise BankFileError(f"the {what} record is too short", rec.line, "record")


def _detail(rec: _Record, account: _Account, as_of: date) -> tuple[Deposit | None, int]:
    """A 16 record: the deposit (None for a debit) and its amount for the control total."""
    parts = rec.fields
    if len(parts) < 3:
        raise BankFileError("the transaction detail (16) record is too short", rec.line, "record")
    type_code = parts[0].strip()
    if not (len(type_code) == 3 and type_code.isdigit()):
        raise BankFileError(f"{type_code!r} is not a type code", rec.line, "type code")
    amount = check_amount(
        Money.from_cents(_cents(parts[1], rec.line, "amount")), rec.line, "amount"
    ).cents
    funds = parts[2].strip().upper()
    index = 3
    # Funds types with details before the references (BAI2 3.4).
    if funds == "S":
        index += 3
    elif funds == "V":
        index += 2
    elif funds == "D":
        if len(parts) <= index:
            raise BankFileError("distributed availability without a count", rec.line, "funds type")
        index += 1 + 2 * _count(parts[index], rec.line, "number of distributions")
    elif funds not in {"", "0", "1", "2", "Z"}:
        raise BankFileError(f"{funds!r} is not a funds type", rec.line, "funds type")
    rest = parts[index:]
    bank_ref = rest[0].strip() if rest else ""
    customer_ref = rest[1].strip() if len(rest) > 1 else ""
    text = ",".join(rest[2:]) if len(rest) > 2 else ""
    text = (text.removesuffix("/") if text.endswith("/") else text) + rec.text
    code = int(type_code)
    if not 100 <= code <= 399:
        return None, amount
    return (
        Deposit(
            deposit_date=as_of,
            amount=Money.from_cents(amount),
            account=account.number,
            type_code=type_code,
            bank_reference=bank_ref,
            customer_reference=customer_ref,
            text=text.strip(),
            line=rec.line,
        ),
        amount,
    )


def _summary_total(rec: _Record) -> int:
    """The amounts of an 03 record's summaries (type, amount, count, funds — repeated)."""
    total = 0
    index = 2
    while index + 1 < len(rec.fields):
        type_code = rec.fields[index].strip()
        if not type_code:
            break
        total += _cents(
            rec.fields[index + 1], rec.line, f"amount of summary {type_code}", signed=True
        )
        funds = rec.fields[index + 3].strip().upper() if index + 3 < len(rec.fields) else ""
        index += 4
        if funds == "S":
            index += 3
        elif funds == "V":
            index += 2
        elif funds == "D" and index < len(rec.fields):
            index += 1 + 2 * _count(rec.fields[index], rec.line, "number of distributions")
    return total


def _mismatch(what: str, said: int, counted: int, line: int, field: str, cents: bool) -> None:
    if said != counted:
        show = (lambda v: Money.from_cents(v).format()) if cents else str
        raise BankFileError(
            f"the {what} says {show(said)} but the records add up to {show(counted)}",
            line,
            field,
        )


def read_bai2(data: bytes, *, today: date | None = None) -> BankStatement:
    """Read a BAI2 file; raise ``BankFileError`` naming the line for anything wrong.

    A group's as-of date more than a day after the file's creation date (or after
    ``today``, when given) is refused: a bank reports what has been posted."""
    records = _records(data)
    if not records or records[0].code != "01":
        raise BankFileError("a BAI2 file starts with a file header (01)", 1, "record type")
    deposits: list[Deposit] = []
    skipped: list[str] = []
    state = "file"
    file_total = groups = file_records = 0
    group_total = accounts = group_records = 0
    as_of: date | None = None
    created: date | None = None
    account: _Account | None = None
    ended = False
    for rec in records:
        if ended:
            raise BankFileError("a record after the file trailer (99)", rec.line, "record type")
        file_records += rec.lines
        if state != "file":
            group_records += rec.lines
        if account is not None and rec.code != "03":
            account.records += rec.lines
        if rec.code == "01":
            if rec.line != records[0].line:
                raise BankFileError("a second file header (01)", rec.line, "record type")
            _need(rec, 8, "file header (01)")
            created = _date(rec.fields[2], rec.line, "file creation date")
            check_date(created, today, rec.line, "file creation date", "today")
            if rec.fields[-1].strip() != "2":
                raise BankFileError(
                    f"version {rec.fields[-1].strip()!r}: only BAI version 2 is read",
                    rec.line,
                    "version number",
                )
        elif rec.code == "02":
            if state != "file":
                raise BankFileError("a group header (02) inside a group", rec.line, "record type")
            _need(rec, 4, "group header (02)")
            as_of = _date(rec.fields[3], rec.line, "as-of date")
            check_date(as_of, created, rec.line, "as-of date", "the file's creation date")
            check_date(as_of, today, rec.line, "as-of date", "today")
            currency = rec.fields[5].strip().upper() if len(rec.fields) > 5 else ""
            if currency not in ("", "USD"):
                raise BankFileError(f"currency {currency}: only USD is read", rec.line, "currency")
            state, group_total, accounts, group_records = "group", 0, 0, rec.lines
        elif rec.code == "03":
            if state != "group":
                where = "inside an account" if state == "account" else "outside a group"
                raise BankFileError(f"an account (03) {where}", rec.line, "record type")
            _need(rec, 1, "account identifier (03)")
            account = _Account(rec.fields[0].strip(), rec.line, records=rec.lines)
            account.total = _summary_total(rec)
            state = "account"
        elif rec.code == "16":
            if account is None or as_of is None:
                raise BankFileError(
                    "a transaction (16) outside an account", rec.line, "record type"
                )
            dep, cents = _detail(rec, account, as_of)
            account.total += cents
            if dep is None:
                skipped.append(
                    f"line {rec.line}: debit type {rec.fields[0]} of "
                    f"{Money.from_cents(cents).format()} (not money in)"
                )
            else:
                account.deposits.append(dep)
        elif rec.code == "49":
            if account is None:
                raise BankFileError(
                    "an account trailer (49) without an account", rec.line, "record type"
                )
            _need(rec, 2, "account trailer (49)")
            said = _cents(rec.fields[0], rec.line, "account control total", signed=True)
            _mismatch(
                f"account {account.number} control total",
                said,
                account.total,
                rec.line,
                "account control total",
                True,
            )
            count = _count(rec.fields[1], rec.line, "number of records")
            _mismatch(
                f"account {account.number} record count",
                count,
                account.records,
                rec.line,
                "number of records",
                False,
            )
            deposits += account.deposits
            group_total += account.total
            accounts += 1
            account, state = None, "group"
        elif rec.code == "98":
            if state != "group":
                what = (
                    "inside an account (no 49 before it)"
                    if state == "account"
                    else "outside a group"
                )
                raise BankFileError(f"a group trailer (98) {what}", rec.line, "record type")
            _need(rec, 3, "group trailer (98)")
            said = _cents(rec.fields[0], rec.line, "group control total", signed=True)
            _mismatch(
                "group control total", said, group_total, rec.line, "group control total", True
            )
            _mismatch(
                "group's number of accounts",
                _count(rec.fields[1], rec.line, "number of accounts"),
                accounts,
                rec.line,
                "number of accounts",
                False,
            )
            _mismatch(
                "group record count",
                _count(rec.fields[2], rec.line, "number of records"),
                group_records,
                rec.line,
                "number of records",
                False,
            )
            file_total += group_total
            groups += 1
            state = "file"
        elif rec.code == "99":
            if state != "file":
                raise BankFileError(
                    "the file trailer (99) inside a group (no 98 before it)",
                    rec.line,
                    "record type",
                )
            _need(rec, 3, "file trailer (99)")
            said = _cents(rec.fields[0], rec.line, "file control total", signed=True)
            _mismatch("file control total", said, file_total, rec.line, "file control total", True)
            _mismatch(
                "file's number of groups",
                _count(rec.fields[1], rec.line, "number of groups"),
                groups,
                rec.line,
                "number of groups",
                False,
            )
            _mismatch(
                "file record count",
                _count(rec.fields[2], rec.line, "number of records"),
                file_records,
                rec.line,
                "number of records",
                False,
            )
            ended = True
    if not ended:
        last = records[-1].line
        raise BankFileError(
            "the file ends without its trailer (99): it was cut short", last, "record type"
        )
    return BankStatement("bai2", tuple(deposits), tuple(skipped))


def write_bai2(
    deposits: list[Deposit],
    *,
    account: str = "000123456789",
    sender: str = "BANK",
    receiver: str = "PRACTICE",
    created: date | None = None,
    file_id: str = "1",
) -> bytes:
    """A BAI2 file of ``deposits`` (USD), one group per as-of date with the account in it,
    with correct totals and counts: what a bank sends, for the demo and the tests."""
    days = sorted({d.deposit_date for d in deposits})
    made = created or (days[-1] if days else date(2000, 1, 1))
    lines = [f"01,{sender},{receiver},{made:%y%m%d},0600,{file_id},,,2/"]
    file_total = 0
    for day in days:
        todays = [d for d in deposits if d.deposit_date == day]
        total = sum(d.amount.cents for d in todays)
        # Summary 100: total credits, with their count; it counts in the control totals.
        body = [f"03,{account},USD,100,{total},{len(todays)},/"]
        for d in todays:
            text = d.text.replace("\n", " ")
            body.append(
                f"16,{d.type_code or '165'},{d.amount.cents},0,{d.bank_reference},"
                f"{d.customer_reference},{text}"
            )
        control = 2 * total
        body.append(f"49,{control},{len(body) + 1}/")
        lines += [f"02,{receiver},{sender},1,{day:%y%m%d},0600,USD,2/", *body]
        lines.append(f"98,{control},1,{len(body) + 2}/")
        file_total += control
    lines.append(f"99,{file_total},{len(days)},{len(lines) + 1}/")
    return ("\n".join(lines) + "\n").encode("ascii")
