"""FHIR R4 in: Bundles from a practice's EHR read into the same intake records the HL7 v2
mapping produces (``medbill.core.hl7.Intake``), so one set of use cases applies both.
Sans-IO: bytes in, records out.

``read_bundle(data)`` checks the JSON against the R4 models (``fhir.resources``) and
raises ``FHIRError`` naming the resource and element (``Patient/123.birthDate``);
``map_bundle(bundle)`` turns it into ``Intake`` records, registration first, claims
last. A ``FHIRError``'s ``problems`` name every resource and element at fault.
"""

from medbill.core.fhir._base import FHIRError
from medbill.core.fhir._map import BundleIntake, bundle_id_of, map_bundle, read_bundle

__all__ = ["BundleIntake", "FHIRError", "bundle_id_of", "map_bundle", "read_bundle"]
