"""Code sets: ICD-10-CM by date of service, HCPCS Level II, practice CPT, small code lists, search.

Everything here is framework-free. Reference data is read from prebuilt files under ``data_dir()``
that ``medbill codesets build`` writes; each file is loaded once per process.
"""

from medbill.core.codesets._addenda import AddendaError, Addendum, read_addenda
from medbill.core.codesets._icd10cm import Icd10cmRelease, IcdCode, Note, code_refs
from medbill.core.codesets._releases import (
    ReleaseInfo,
    ReleaseNotFound,
    Validity,
    all_releases,
    icd10cm,
    import_icd10cm_addenda,
    import_tabular,
    releases,
    reset_cache,
    validity,
)
from medbill.core.codesets._tabular import TabularError, parse_tabular, undot
from medbill.core.codesets.cpt import cpt_shape
from medbill.core.codesets.hcpcs import HcpcsCode, HcpcsTable, hcpcs

__all__ = [
    "AddendaError",
    "Addendum",
    "HcpcsCode",
    "HcpcsTable",
    "Icd10cmRelease",
    "IcdCode",
    "Note",
    "ReleaseInfo",
    "ReleaseNotFound",
    "TabularError",
    "Validity",
    "all_releases",
    "code_refs",
    "cpt_shape",
    "hcpcs",
    "icd10cm",
    "import_icd10cm_addenda",
    "import_tabular",
    "parse_tabular",
    "read_addenda",
    "releases",
    "reset_cache",
    "undot",
    "validity",
]
