"""Fixed tables of the demo practice: who the practices are, whom they bill, what they charge.

Everything here is plain data (no randomness, no database). The generator in
:mod:`medbill.web.demo.generate` combines these tables with a seeded random
number generator; :mod:`medbill.web.demo.seed` writes the result to the database.

Names, NPIs, TINs and addresses are fictional. Fee schedule descriptions are the
practice's own plain-language wording; CPT code numbers are used, CPT descriptor
text is not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NotRequired, TypedDict

from medbill.core.identifiers import npi_is_valid, npi_with_check_digit

__all__ = [
    "DEMO_PASSWORD_PREFIX",
    "AddressRow",
    "LocationRow",
    "OrganizationRow",
    "PayerRow",
    "PracticeRow",
    "ProviderRow",
    "UserRow",
    "FEE_SCHEDULE",
    "ORGANIZATION",
    "PAYERS",
    "PRACTICES",
    "PROVIDERS",
    "USERS",
    "FeeItem",
    "npi_with_check_digit",
    "npi_is_valid",
]


class AddressRow(TypedDict):
    line1: str
    line2: str
    city: str
    state: str
    zip: str


class OrganizationRow(TypedDict):
    name: str
    kind: str
    tin: str
    address: AddressRow
    phone: str


class LocationRow(TypedDict):
    key: str
    name: str
    address: AddressRow
    place_of_service: str


class PracticeRow(TypedDict):
    key: str
    legal_name: str
    name: str
    specialty: str
    tin: str
    group_npi: str
    taxonomy: str
    time_zone: str
    billing_address: AddressRow
    pay_to_address: AddressRow
    phone: str
    locations: list[LocationRow]


class ProviderRow(TypedDict):
    key: str
    practice: str  # the practice's key
    first: str
    last: str
    credentials: str
    npi: str
    taxonomy: str


class PayerRow(TypedDict):
    key: str
    name: str
    payer_id: str
    type: str
    filing_indicator: str
    route: str
    address: AddressRow


class UserRow(TypedDict):
    username: str
    first: str
    last: str
    role: str
    practices: NotRequired[tuple[str, ...]]  # keys; every practice when absent


ORGANIZATION: OrganizationRow = {
    "name": "Susquehanna Medical Billing Partners",
    "kind": "billing_company",
    "tin": "251738492",
    "address": {
        "line1": "400 Market St",
        "line2": "Suite 900",
        "city": "Harrisburg",
        "state": "PA",
        "zip": "171012213",
    },
    "phone": "7175550100",
}

# The demo practices' short codes: their patients' account numbers and claims start with them.
SHORT_CODES = {"fm": "RFM", "card": "KHR"}

PRACTICES: list[PracticeRow] = [
    {
        "key": "fm",
        "legal_name": "Riverbend Family Medicine LLC",
        "name": "Riverbend Family Medicine",
        "specialty": "family_medicine",
        "tin": "251846203",
        "group_npi": npi_with_check_digit("128457390"),
        "taxonomy": "207Q00000X",
        "time_zone": "America/New_York",  # Pennsylvania
        "billing_address": {
            "line1": "1200 Riverbend Dr",
            "line2": "Suite 100",
            "city": "Camp Hill",
            "state": "PA",
            "zip": "170112418",
        },
        "pay_to_address": {
            "line1": "PO Box 4410",
            "line2": "",
            "city": "Harrisburg",
            "state": "PA",
            "zip": "171114410",
        },
        "phone": "7175550142",
        "locations": [
            {
                "key": "fm-main",
                "name": "Riverbend Family Medicine — Camp Hill",
                "address": {
                    "line1": "1200 Riverbend Dr",
                    "line2": "Suite 100",
                    "city": "Camp Hill",
                    "state": "PA",
                    "zip": "170112418",
                },
                "place_of_service": "11",
            },
        ],
    },
    {
        "key": "card",
        "legal_name": "Keystone Heart and Rhythm Associates PC",
        "name": "Keystone Heart and Rhythm",
        "specialty": "cardiology",
        "tin": "251903377",
        "group_npi": npi_with_check_digit("164820735"),
        "taxonomy": "207RC0000X",
        "time_zone": "America/New_York",  # Pennsylvania
        "billing_address": {
            "line1": "85 Medical Center Way",
            "line2": "Building B",
            "city": "Hershey",
            "state": "PA",
            "zip": "170331902",
        },
        "pay_to_address": {
            "line1": "85 Medical Center Way",
            "line2": "Building B",
            "city": "Hershey",
            "state": "PA",
            "zip": "170331902",
        },
        "phone": "7175550187",
        "locations": [
            {
                "key": "card-hershey",
                "name": "Keystone Heart — Hershey office",
                "address": {
                    "line1": "85 Medical Center Way",
                    "line2": "Building B",
                    "city": "Hershey",
                    "state": "PA",
                    "zip": "170331902",
                },
                "place_of_service": "11",
            },
            {
                "key": "card-carlisle",
                "name": "Keystone Heart — Carlisle satellite",
                "address": {
                    "line1": "310 Hanover St",
                    "line2": "",
                    "city": "Carlisle",
                    "state": "PA",
                    "zip": "170132244",
                },
                "place_of_service": "11",
            },
        ],
    },
]

PROVIDERS: list[ProviderRow] = [
    {
        "key": "whitfield",
        "practice": "fm",
        "first": "Eleanor",
        "last": "Whitfield",
        "credentials": "MD",
        "npi": npi_with_check_digit("153928467"),
        "taxonomy": "207Q00000X",
    },
    {
        "key": "okafor",
        "practice": "fm",
        "first": "Daniel",
        "last": "Okafor",
        "credentials": "FNP-C",
        "npi": npi_with_check_digit("174602918"),
        "taxonomy": "363LF0000X",
    },
    {
        "key": "brandt",
        "practice": "card",
        "first": "Miriam",
        "last": "Brandt",
        "credentials": "MD, FACC",
        "npi": npi_with_check_digit("186230574"),
        "taxonomy": "207RC0000X",
    },
    {
        "key": "nakamura",
        "practice": "card",
        "first": "Kenji",
        "last": "Nakamura",
        "credentials": "DO",
        "npi": npi_with_check_digit("119384756"),
        "taxonomy": "207RC0000X",
    },
]

# type follows the claim document's payer types; filing is the 837P claim filing indicator.
PAYERS: list[PayerRow] = [
    {
        "key": "medicare",
        "name": "Medicare Part B (Novitas Solutions, JL Pennsylvania)",
        "payer_id": "12502",
        "type": "medicare",
        "filing_indicator": "MB",
        "route": "clearinghouse",
        "address": {
            "line1": "PO Box 3702",
            "line2": "",
            "city": "Mechanicsburg",
            "state": "PA",
            "zip": "170553702",
        },
    },
    {
        "key": "medicaid",
        "name": "Pennsylvania Medical Assistance",
        "payer_id": "PAMCD",
        "type": "medicaid",
        "filing_indicator": "MC",
        "route": "clearinghouse",
        "address": {
            "line1": "PO Box 8194",
            "line2": "",
            "city": "Harrisburg",
            "state": "PA",
            "zip": "171058194",
        },
    },
    {
        "key": "aetna",
        "name": "Aetna",
        "payer_id": "60054",
        "type": "commercial",
        "filing_indicator": "CI",
        "route": "clearinghouse",
        "address": {
            "line1": "PO Box 981106",
            "line2": "",
            "city": "El Paso",
            "state": "TX",
            "zip": "799981106",
        },
    },
    {
        "key": "uhc",
        "name": "UnitedHealthcare",
        "payer_id": "87726",
        "type": "commercial",
        "filing_indicator": "CI",
        "route": "clearinghouse",
        "address": {
            "line1": "PO Box 30555",
            "line2": "",
            "city": "Salt Lake City",
            "state": "UT",
            "zip": "841300555",
        },
    },
    {
        "key": "highmark",
        "name": "Highmark Blue Cross Blue Shield",
        "payer_id": "54771",
        "type": "bcbs",
        "filing_indicator": "BL",
        "route": "clearinghouse",
        "address": {
            "line1": "PO Box 890089",
            "line2": "",
            "city": "Camp Hill",
            "state": "PA",
            "zip": "170890089",
        },
    },
]


@dataclass(frozen=True)
class FeeItem:
    """One fee schedule entry: code, its system, our own wording, price, which practices."""

    code: str
    system: str  # "CPT" or "HCPCS"
    description: str
    price: str  # dollars as text; read as Decimal
    practices: tuple[str, ...] = ("fm", "card")


_FM = ("fm",)
_CARD = ("card",)

FEE_SCHEDULE: tuple[FeeItem, ...] = (
    # Office visits (evaluation and management)
    FeeItem("99202", "CPT", "New patient office visit, straightforward", "95.00"),
    FeeItem("99203", "CPT", "New patient office visit, low complexity", "145.00"),
    FeeItem("99204", "CPT", "New patient office visit, moderate complexity", "215.00"),
    FeeItem("99205", "CPT", "New patient office visit, high complexity", "285.00"),
    FeeItem("99211", "CPT", "Nurse visit for an established patient", "35.00"),
    FeeItem("99212", "CPT", "Established patient office visit, straightforward", "75.00"),
    FeeItem("99213", "CPT", "Established patient office visit, low complexity", "130.00"),
    FeeItem("99214", "CPT", "Established patient office visit, moderate complexity", "190.00"),
    FeeItem("99215", "CPT", "Established patient office visit, high complexity", "255.00"),
    # Preventive visits
    FeeItem("99385", "CPT", "Yearly physical, new patient aged 18 to 39", "210.00", _FM),
    FeeItem("99386", "CPT", "Yearly physical, new patient aged 40 to 64", "235.00", _FM),
    FeeItem("99391", "CPT", "Well baby check, established patient under 1 year", "160.00", _FM),
    FeeItem("99392", "CPT", "Well child check, established patient aged 1 to 4", "170.00", _FM),
    FeeItem("99393", "CPT", "Well child check, established patient aged 5 to 11", "170.00", _FM),
    FeeItem("99394", "CPT", "Teen physical, established patient aged 12 to 17", "180.00", _FM),
    FeeItem("99395", "CPT", "Yearly physical, established patient aged 18 to 39", "190.00", _FM),
    FeeItem("99396", "CPT", "Yearly physical, established patient aged 40 to 64", "205.00", _FM),
    FeeItem("99397", "CPT", "Yearly physical, established patient 65 and over", "220.00", _FM),
    FeeItem("G0438", "HCPCS", "Medicare wellness visit, first one", "195.00", _FM),
    FeeItem("G0439", "HCPCS", "Medicare wellness visit, yearly follow-up", "150.00", _FM),
    FeeItem("G0444", "HCPCS", "Yearly depression screening, 15 minutes", "25.00", _FM),
    FeeItem("96127", "CPT", "Short standardized mood or behavior questionnaire", "12.00", _FM),
    FeeItem("99406", "CPT", "Stop-smoking counseling, 3 to 10 minutes", "30.00"),
    # Vaccines (the product) and giving them
    FeeItem("90686", "CPT", "Flu shot, four-strain, preservative-free, 0.5 mL", "32.00", _FM),
    FeeItem("90732", "CPT", "Pneumonia vaccine, 23-strain polysaccharide", "125.00", _FM),
    FeeItem("90715", "CPT", "Tetanus, diphtheria and whooping cough booster (Tdap)", "55.00", _FM),
    FeeItem("90707", "CPT", "Measles, mumps and rubella vaccine, live", "95.00", _FM),
    FeeItem("90716", "CPT", "Chickenpox vaccine, live", "160.00", _FM),
    FeeItem(
        "90700", "CPT", "Childhood diphtheria, tetanus and whooping cough (DTaP)", "38.00", _FM
    ),
    FeeItem("90713", "CPT", "Polio vaccine, inactivated", "45.00", _FM),
    FeeItem("90670", "CPT", "Pneumonia vaccine, 13-strain conjugate", "245.00", _FM),
    FeeItem("90651", "CPT", "HPV vaccine, nine-strain", "290.00", _FM),
    FeeItem("90460", "CPT", "Child vaccine given with counseling, first part", "28.00", _FM),
    FeeItem("90461", "CPT", "Child vaccine given with counseling, each added part", "16.00", _FM),
    FeeItem("90471", "CPT", "Giving a vaccine by shot, first one", "25.00", _FM),
    FeeItem("90472", "CPT", "Giving a vaccine by shot, each added one", "15.00", _FM),
    FeeItem("G0008", "HCPCS", "Giving a flu shot to a Medicare patient", "25.00", _FM),
    FeeItem("G0009", "HCPCS", "Giving a pneumonia shot to a Medicare patient", "25.00", _FM),
    # Labs done in the office
    FeeItem("36415", "CPT", "Blood draw from a vein", "12.00"),
    FeeItem("81002", "CPT", "Urine dipstick read by hand, no microscope", "10.00", _FM),
    FeeItem("81003", "CPT", "Urine dipstick read by machine, no microscope", "12.00", _FM),
    FeeItem("82962", "CPT", "Finger-stick blood sugar by home-type meter", "8.00", _FM),
    FeeItem("83036", "CPT", "Hemoglobin A1c (three-month sugar average)", "28.00", _FM),
    FeeItem("85018", "CPT", "Hemoglobin level", "9.00", _FM),
    FeeItem("85610", "CPT", "Clotting time (PT/INR)", "14.00"),
    FeeItem("87880", "CPT", "Rapid strep throat test", "32.00", _FM),
    FeeItem("87804", "CPT", "Rapid flu test", "30.00", _FM),
    # Heart tests
    FeeItem("93000", "CPT", "Twelve-lead ECG with reading and report", "65.00"),
    FeeItem("93005", "CPT", "Twelve-lead ECG, tracing only", "40.00"),
    FeeItem("93010", "CPT", "Twelve-lead ECG, reading and report only", "25.00"),
    FeeItem(
        "93306", "CPT", "Heart ultrasound, complete, with Doppler and color flow", "520.00", _CARD
    ),
    FeeItem(
        "93224", "CPT", "Holter monitor up to 48 hours, recording and reading", "210.00", _CARD
    ),
    FeeItem("93015", "CPT", "Treadmill stress test with supervision and report", "325.00", _CARD),
    FeeItem("93793", "CPT", "Blood thinner (warfarin) dose management visit", "28.00", _CARD),
    FeeItem("93280", "CPT", "Pacemaker check in the office, two leads", "140.00", _CARD),
    # Injections and drugs
    FeeItem("96372", "CPT", "Injection into muscle or under the skin", "35.00"),
    FeeItem("J1030", "HCPCS", "Methylprednisolone acetate, 40 mg", "18.00", _FM),
    FeeItem("J3301", "HCPCS", "Triamcinolone acetonide, 10 mg", "9.00", _FM),
    FeeItem("J0696", "HCPCS", "Ceftriaxone, 250 mg", "22.00", _FM),
    FeeItem("J1885", "HCPCS", "Ketorolac, 15 mg", "8.00", _FM),
    FeeItem("J3420", "HCPCS", "Vitamin B12 (cyanocobalamin), up to 1000 mcg", "12.00", _FM),
    FeeItem("J1100", "HCPCS", "Dexamethasone sodium phosphate, 1 mg", "4.00", _FM),
    # Minor procedures
    FeeItem(
        "20610", "CPT", "Joint injection or drainage, large joint, no ultrasound", "120.00", _FM
    ),
    FeeItem(
        "20605", "CPT", "Joint injection or drainage, mid-size joint, no ultrasound", "95.00", _FM
    ),
    FeeItem("10060", "CPT", "Draining a simple skin abscess", "165.00", _FM),
    FeeItem("12002", "CPT", "Simple stitches, total 2.6 to 7.5 cm", "190.00", _FM),
    FeeItem("17110", "CPT", "Freezing or burning off warts, up to 14", "135.00", _FM),
    FeeItem("69210", "CPT", "Removing packed earwax with instruments, one ear", "70.00", _FM),
    FeeItem("29540", "CPT", "Ankle strapping", "45.00", _FM),
    FeeItem("94640", "CPT", "Breathing treatment by nebulizer", "40.00", _FM),
    FeeItem("94760", "CPT", "Oxygen level by finger clip, single reading", "10.00"),
)

# The demo users: one per role with access to both practices, plus one front-desk
# clerk who works for the cardiology practice only (shows tenancy).
DEMO_PASSWORD_PREFIX = "demo-"

USERS: list[UserRow] = [
    {"username": "frontdesk", "first": "Rosa", "last": "Delgado", "role": "front_desk"},
    {"username": "coder", "first": "Priya", "last": "Raman", "role": "coder"},
    {"username": "biller", "first": "Marcus", "last": "Hale", "role": "biller"},
    {"username": "manager", "first": "Janet", "last": "Kowalski", "role": "manager"},
    {"username": "auditor", "first": "Victor", "last": "Osei", "role": "auditor"},
    {"username": "admin", "first": "Grace", "last": "Lindqvist", "role": "admin"},
    {
        "username": "cardio-desk",
        "first": "Tom",
        "last": "Reyes",
        "role": "front_desk",
        "practices": ("card",),
    },
]
