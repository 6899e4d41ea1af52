"""The public reference files some tests read, and the tables ``make data`` builds from them.

They live beside the checkout: ``../shared/data`` (public X12 examples, CMS code files, the
CodiEsp notes) and ``../shared/examples`` (claim JSON files). CI always has them, so these
tests run there. A clone without them runs every other test and skips these, naming what is
missing::

    SKIPPED needs ../shared/data/x12/835 (public X12 835 remittances); see README

Ask for a folder or file with :func:`shared_path` (or for the whole folder, once the parts a
test reads are there, with :func:`shared_data_with`), for the claim examples with
:func:`shared_examples_dir` (or the ``shared_examples`` fixture), and for a table that
``make data`` builds from the shared files with :func:`need_built`. Nothing else in the tests
looks for ``../shared``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from medbill.core.paths import shared_data_dir

__all__ = [
    "need_built",
    "shared_data_root",
    "shared_data_with",
    "shared_examples_dir",
    "shared_path",
]

SEE = "see README"

# What each part of ../shared/data holds, for the skip reason (longest prefix wins).
WHAT = {
    "": "public X12, CMS and CodiEsp reference files",
    "x12": "public X12 examples",
    "x12/INDEX.csv": "index of the public X12 examples",
    "x12/270": "public X12 270 eligibility inquiries",
    "x12/271": "public X12 271 eligibility responses",
    "x12/277ca": "public X12 277CA claim acknowledgements",
    "x12/835": "public X12 835 remittances",
    "x12/835/835-golden": "public X12 835 remittances with a reference CSV reading",
    "x12/837i": "public X12 837I institutional claims",
    "x12/837p": "public X12 837P claims",
    "x12/999": "public X12 999 acknowledgements",
    "x12/invalid": "malformed public X12 files",
    "cms": "CMS code files",
    "cms/hcpcs": "CMS HCPCS Level II files",
    "cms/icd10cm-index": "CMS ICD-10-CM Alphabetic Index, neoplasm, drug and external cause files",
    "cms/mce": "CMS Medicare Code Editor lists",
    "cms/mue": "CMS NCCI MUE table",
    "cms/ncci-aoc": "CMS NCCI add-on code table",
    "cms/pos": "CMS place-of-service codes",
    "codiesp/train": "CodiEsp train notes and codes",
}

# Tables ``make data`` (``medbill codesets build``) builds from ../shared/data, and the folder
# each comes from.
BUILT = {
    "hcpcs": "cms/hcpcs",
    "icd10cm-index": "cms/icd10cm-index",
    "mue": "cms/mue",
    "aoc": "cms/ncci-aoc",
    "mce": "cms/mce",
}


def shared_data_root() -> Path | None:
    """``../shared/data`` (or ``$MEDBILL_SHARED_DATA``), or None when this checkout has none."""
    return shared_data_dir()


def _what(relative: str) -> str:
    key = relative.strip("/")
    while key not in WHAT:
        key = key.rpartition("/")[0]
    return WHAT[key]


def _shown(relative: str) -> str:
    """The path as the reason shows it: ``../shared/data/...`` unless it lives elsewhere."""
    root = shared_data_root()
    if root is None:
        return f"../shared/data/{relative}".rstrip("/")
    return str(root / relative)


def shared_path(relative: str = "") -> Path:
    """``../shared/data/<relative>``; skips the calling test (or fixture) when it is absent."""
    __tracebackhide__ = True  # the skip is reported at the test's line, not here
    root = shared_data_root()
    path = root / relative if root is not None else None
    if path is None or not path.exists():
        pytest.skip(f"needs {_shown(relative)} ({_what(relative)}); {SEE}")
    return path


def shared_data_with(*relative: str) -> Path:
    """``../shared/data`` itself, once each of ``relative`` is found in it (else a skip)."""
    __tracebackhide__ = True
    for part in relative:
        shared_path(part)
    return shared_path()


def shared_examples_dir() -> Path:
    """``../shared/examples``, the claim JSON files; skips the calling test when absent."""
    __tracebackhide__ = True
    root = shared_data_root()
    path = root.parent / "examples" if root is not None else None
    if path is None or not path.is_dir():
        shown = str(path) if path is not None else "../shared/examples"
        pytest.skip(f"needs {shown} (claim JSON examples); {SEE}")
    return path


def _is_built(table: str) -> bool:
    if table == "hcpcs":
        from medbill.core.codesets.hcpcs import stored_hcpcs_sha256

        return stored_hcpcs_sha256() is not None
    if table == "icd10cm-index":
        from medbill.core.codesets._alphabetic import index_releases

        return bool(index_releases())
    from medbill.core.scrubber.refdata import stored_hashes

    return bool(stored_hashes(table))


def need_built(*tables: str) -> None:
    """Skip unless the shared files the named tables are built from are present.

    When the files are present but ``make data`` has not built the table, the test fails
    saying so: a checkout with the data must run these tests, never skip them.
    """
    __tracebackhide__ = True
    for table in tables:
        shared_path(BUILT[table])
        if not _is_built(table):
            source = _shown(BUILT[table])
            pytest.fail(
                f"the {table} table is not built from {source}: run `make data`", pytrace=False
            )
