"""Bank files (BAI2, CSV) and EFT/ERA reassociation, without a database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from medbill.core.bank import (
    BankFileError,
    CsvColumns,
    Deposit,
    DepositKey,
    EraKey,
    read_bai2,
    read_bank_csv,
    read_bank_file,
    reassociate,
    traces_in,
    write_bai2,
)
from medbill.core.money import Money

# Two ACH credits carrying the 835's TRN in their addenda, one check deposit, one debit;
# a continuation (88) of the first record's text; summaries in the 03 record.
GOOD = b"""01,121000248,MEDBILL,260302,0630,7,,,2/
02,MEDBILL,121000248,1,260301,,USD,2/
03,000123456789,USD,010,500000,,,015,629550,,/
16,165,123400,0,BR100,CUST1,HCCLAIMPMT TRN*1*EFT0001*1
88,512345678\\
16,169,5150,0,BR101,,HCCLAIMPMT TRN*1*EFT0002*1512345678\\/
16,475,9999,0,BR102,,CHECK PAID/
16,301,1000,Z,BR103,,DEPOSIT, BRANCH 12/
49,1269099,7/
98,1269099,1,9/
99,1269099,1,11/
"""


def test_reads_deposits_with_their_references_and_text():
    stmt = read_bai2(GOOD)
    assert stmt.format == "bai2"
    assert [d.amount for d in stmt.deposits] == [Money("1234.00"), Money("51.50"), Money("10.00")]
    first = stmt.deposits[0]
    assert first.deposit_date == date(2026, 3, 1)
    assert (first.account, first.type_code, first.line) == ("000123456789", "165", 4)
    assert (first.bank_reference, first.customer_reference) == ("BR100", "CUST1")
    assert first.text == "HCCLAIMPMT TRN*1*EFT0001*1512345678\\"
    assert first.traces[0] == "EFT0001"
    assert stmt.deposits[2].text == "DEPOSIT, BRANCH 12"
    assert len(stmt.skipped) == 1 and "line 7" in stmt.skipped[0] and "99.99" in stmt.skipped[0]


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        (
            b"49,1269099,7/",
            b"49,1269100,7/",
            9,
            "account 000123456789 control total says $12,691.00",
        ),
        (b"49,1269099,7/", b"49,1269099,6/", 9, "record count says 6 but the records add up to 7"),
        (b"98,1269099,1,9/", b"98,1269098,1,9/", 10, "group control total"),
        (b"98,1269099,1,9/", b"98,1269099,2,9/", 10, "number of accounts"),
        (b"99,1269099,1,11/", b"99,1269099,1,12/", 11, "file record count"),
        (b"99,1269099,1,11/", b"99,1,1,11/", 11, "file control total"),
        (b"16,169,5150,", b"16,169,51.50,", 6, "not an amount in cents"),
        (b"02,MEDBILL,121000248,1,260301", b"02,MEDBILL,121000248,1,261301", 2, "as-of date"),
        (b"16,301,1000,Z", b"17,301,1000,Z", 8, "record type '17'"),
        (b"99,1269099,1,11/\n", b"", 10, "cut short"),
        (b",,,2/", b",,,3/", 1, "only BAI version 2"),
    ],
)
def test_refuses_the_whole_file_naming_the_line(old, new, line, words):
    bad = GOOD.replace(old, new)
    assert bad != GOOD
    with pytest.raises(BankFileError) as err:
        read_bai2(bad)
    assert err.value.line == line
    assert words in str(err.value)
    assert str(err.value).startswith(f"line {line}")


def test_written_files_read_back_with_their_totals():
    deps = [
        Deposit(date(2026, 3, 2), Money("10.00"), text="TRN*1*A1*1999\\"),
        Deposit(date(2026, 3, 2), Money("0.05"), bank_reference="X"),
    ]
    stmt = read_bai2(write_bai2(deps))
    assert [(d.amount, d.traces[0]) for d in stmt.deposits] == [
        (Money("10.00"), "A1"),
        (Money("0.05"), "X"),
    ]
    assert read_bai2(write_bai2([])).deposits == ()
    two_days = [replace(deps[0], deposit_date=date(2026, 3, 3)), *deps]
    assert [d.deposit_date.day for d in read_bai2(write_bai2(two_days)).deposits] == [2, 2, 3]


def test_csv_with_the_documented_header_and_with_named_columns():
    data = (
        b"Date,Amount,Description,Reference\n"
        b'2026-03-02,"1,234.00",ACH TRN*1*T9*1\\,R1\n'
        b"03/03/2026,-5.00,fee,\n"
    )
    stmt = read_bank_file(data)
    assert stmt.format == "csv"
    (dep,) = stmt.deposits
    assert (dep.amount, dep.deposit_date, dep.line, dep.traces) == (
        Money("1234.00"),
        date(2026, 3, 2),
        2,
        ("T9", "R1"),
    )
    assert "line 3" in stmt.skipped[0]
    other = b"Posted,Credit,Memo\n2026-03-02,12.50,HC PMT\n"
    cols = CsvColumns(date="Posted", amount="Credit", description="Memo")
    assert read_bank_csv(other, cols).deposits[0].amount == Money("12.50")


@pytest.mark.parametrize(
    ("data", "line", "words"),
    [
        (b"Date,Amount,Description\n2026-02-30,1.00,x\n", 2, "not a date"),
        (b"Date,Amount,Description\n2026-02-03,1.0.0,x\n", 2, "Amount"),
        (b"Date,Amount,Description\n2026-02-03,1.001,x\n", 2, "more than two decimals"),
        (b"Date,Amount,Description\n2026-02-03,1.00\n", 2, "2 columns where the header has 3"),
        (b"When,Amount,Description\n2026-02-03,1.00,x\n", 1, "no 'Date' column"),
        (b"ISA*00*          *00\n", 1, "not a bank file"),
        (b"", 1, "not a bank file"),
    ],
)
def test_bad_csv_and_unknown_formats_are_refused_naming_the_line(data, line, words):
    with pytest.raises(BankFileError) as err:
        read_bank_file(data)
    assert err.value.line == line and words in str(err.value)


def test_same_row_twice_in_a_file_is_two_deposits_and_the_same_row_elsewhere_is_one():
    row = b"Date,Amount,Description\n2026-03-02,5.00,x\n"
    twice = read_bank_csv(row + b"2026-03-02,5.00,x\n").fingerprints()
    once = read_bank_csv(row).fingerprints()
    assert len(set(twice)) == 2 and once[0] == twice[0]


def test_traces_come_from_the_addenda_then_the_references():
    assert traces_in("CCD TRN*1*12345*1512345678\\ X", "BREF", "") == ("12345", "BREF")


def _dep(i, amount, day, *traces):
    return DepositKey(i, Money(amount), date(2026, 3, day), traces)


def _era(i, amount, day, trace):
    return EraKey(i, Money(amount), date(2026, 3, day), trace)


def test_trace_and_amount_match_first_then_amount_and_date_are_only_suggested():
    deps = [
        _dep(1, "100.00", 2, "T1"),
        _dep(2, "50.00", 2, "t2"),  # trace matches, amount does not
        _dep(3, "75.00", 10),  # amount of era 13, dated 2 days apart: a suggestion
        _dep(4, "75.00", 30),  # too far from era 13
    ]
    eras = [_era(11, "100.00", 1, "T1"), _era(12, "55.00", 1, "T2"), _era(13, "75.00", 8, "Z")]
    out = reassociate(deps, eras)
    assert out.matched == [(1, 11)]
    assert out.trace_only == {2: [12]}
    assert out.suggested == {3: [13]}


def test_an_era_is_matched_to_one_deposit_only():
    deps = [_dep(1, "100.00", 2, "T1"), _dep(2, "100.00", 2, "T1")]
    out = reassociate(deps, [_era(11, "100.00", 1, "T1")])
    assert out.matched == [(1, 11)]
    assert out.suggested == {}


def test_a_pair_the_biller_undid_is_neither_matched_nor_suggested_again():
    deps = [_dep(1, "100.00", 2, "T1"), _dep(2, "75.00", 10)]
    eras = [_era(11, "100.00", 1, "T1"), _era(13, "75.00", 8, "Z")]
    out = reassociate(deps, eras, undone={(1, 11), (2, 13)})
    assert out.matched == [] and out.suggested == {} and out.trace_only == {}
    # Another deposit carrying the same trace and amount still pairs with the payment.
    again = reassociate([*deps, _dep(3, "100.00", 3, "T1")], eras, undone={(1, 11)})
    assert again.matched == [(3, 11)]


def test_an_amount_too_large_for_a_deposit_refuses_the_csv_naming_line_and_column():
    data = b"Date,Amount,Description\n2026-12-04,10.00,ok\n2026-12-05,99999999999.99,HC PMT\n"
    with pytest.raises(BankFileError) as err:
        read_bank_file(data)
    assert (err.value.line, err.value.field) == (3, "Amount")
    assert str(err.value).startswith("line 3, Amount: at most $999,999,999.99")
    # A debit that large is no less a typo; and the largest amount still reads.
    with pytest.raises(BankFileError):
        read_bank_file(b"Date,Amount,Description\n2026-12-05,-1000000000.00,x\n")
    biggest = b"Date,Amount,Description\n2026-12-05,999999999.99,x\n"
    assert read_bank_file(biggest).deposits[0].amount == Money("999999999.99")


def test_an_amount_too_large_for_a_deposit_refuses_the_bai2_file():
    data = write_bai2([Deposit(date(2026, 3, 1), Money("1000000000.00"), text="x")])
    with pytest.raises(BankFileError) as err:
        read_bank_file(data)
    assert err.value.field == "amount" and "at most $999,999,999.99" in str(err.value)
    assert data.decode().splitlines()[err.value.line - 1].startswith("16,")


def test_a_csv_deposit_dated_after_today_is_refused_naming_the_line():
    data = b"Date,Amount,Description\n2026-12-05,1.00,x\n2099-12-31,5.00,HC PMT\n"
    with pytest.raises(BankFileError) as err:
        read_bank_file(data, today=date(2026, 12, 5))
    assert (err.value.line, err.value.field) == (3, "Date")
    assert "12/31/2099 is after today" in str(err.value)
    # One day ahead is a time zone, not the future.
    ahead = b"Date,Amount,Description\n2026-12-06,1.00,x\n"
    assert len(read_bank_file(ahead, today=date(2026, 12, 5)).deposits) == 1


def test_a_bai2_group_dated_after_the_file_or_today_is_refused():
    future = write_bai2(
        [Deposit(date(2099, 12, 31), Money("5.00"), text="x")], created=date(2026, 12, 5)
    )
    with pytest.raises(BankFileError) as err:
        read_bank_file(future)
    assert err.value.field == "as-of date" and "the file's creation date" in str(err.value)
    assert future.decode().splitlines()[err.value.line - 1].startswith("02,")
    # A file that says it was made in 2099 is held to today.
    made_later = write_bai2([Deposit(date(2099, 12, 31), Money("5.00"), text="x")])
    with pytest.raises(BankFileError) as err:
        read_bank_file(made_later, today=date(2026, 12, 5))
    assert err.value.line == 1 and "after today" in str(err.value)
    assert read_bank_file(made_later).deposits[0].deposit_date == date(2099, 12, 31)
