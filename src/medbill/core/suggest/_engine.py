"""The suggestion engine: a clinical note in, coded diagnoses, services and E/M level out."""

from __future__ import annotations

import pickle
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from medbill.core.caches import DataCache
from medbill.core.paths import data_dir
from medbill.core.suggest._features import SECTION_WEIGHT, Analysis, Mention, analyse
from medbill.core.suggest._guidelines import apply_guidelines
from medbill.core.suggest._lexicon import Lexicon
from medbill.core.suggest._model import candidates
from medbill.core.suggest._registry import Visit
from medbill.core.suggest._rules import Dx, _dedupe, apply_context, apply_rules, tidy_spans
from medbill.core.suggest._train import SuggestModel, load_model
from medbill.core.suggest.index_route import Lookups, RouteFinding, route_findings, trail_for

if TYPE_CHECKING:
    from medbill.core.codesets._icd10cm import Icd10cmRelease
    from medbill.core.suggest._context import ContextReader

__all__ = [
    "CodeSuggestion",
    "EmSuggestion",
    "Evidence",
    "SuggestEngine",
    "SuggestionResult",
    "lexicon_path",
    "model_path",
]

HEURISTIC_THRESHOLD = 0.6
ROUTE_SCORE = 0.7  # a problem of the assessment the Index names fully
LEXICON_FORMAT = 1


def model_path() -> Path:
    """Where ``medbill suggest train`` writes the learned model."""
    return data_dir() / "suggest" / "model.pickle"


def lexicon_path(release_name: str) -> Path:
    """Where the dictionary built from one ICD-10-CM release is cached.

    The name carries a digest of the code and word lists that build it, so a changed
    dictionary is rebuilt instead of read stale.
    """
    import hashlib

    from medbill.core.codesets.lists import ABBREVIATIONS

    digest = hashlib.sha256(str(LEXICON_FORMAT).encode())
    here = Path(__file__).parent
    for name in ("_lexicon.py", "_phrases.py", "_text.py"):
        digest.update((here / name).read_bytes())
    digest.update(repr(sorted(ABBREVIATIONS.items())).encode())
    return data_dir() / "suggest" / f"lexicon-{release_name}-{digest.hexdigest()[:12]}.pickle"


@dataclass(frozen=True)
class Evidence:
    """Where in the note a suggestion comes from: character offsets and the text there."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class CodeSuggestion:
    """One suggested code: ICD-10-CM diagnosis or CPT/HCPCS service.

    ``status`` is ``suggested`` (above the decision threshold) or ``review`` (plausible, for the
    coder to look at). ``reasons`` are the terms or rules that produced it.
    """

    code: str
    description: str
    score: float
    evidence: tuple[Evidence, ...]
    reasons: tuple[str, ...]
    status: str = "suggested"
    units: int = 1
    modifiers: tuple[str, ...] = ()
    kind: str = "diagnosis"
    trail: str = ""  # the Alphabetic Index route to the code, when the Index leads there

    def to_dict(self) -> dict[str, Any]:
        out = {
            "code": self.code,
            "description": self.description,
            "score": round(self.score, 4),
            "evidence": [e.to_dict() for e in self.evidence],
            "status": self.status,
            "reasons": list(self.reasons),
        }
        if self.kind == "diagnosis":
            out["trail"] = self.trail
        if self.kind != "diagnosis" or self.units != 1 or self.modifiers:
            out["units"] = self.units
            out["modifiers"] = list(self.modifiers)
        return out


@dataclass(frozen=True)
class EmSuggestion:
    """The office E/M (or preventive) code the note supports, on what basis and why."""

    code: str | None
    basis: str
    reason: str
    modifiers: tuple[str, ...] = ()
    new_patient: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "basis": self.basis,
            "reason": self.reason,
            "modifiers": list(self.modifiers),
        }


@dataclass(frozen=True)
class SuggestionResult:
    """Everything suggested for one note, diagnoses in the order they should be reported."""

    diagnoses: tuple[CodeSuggestion, ...]
    procedures: tuple[CodeSuggestion, ...] = ()
    em: EmSuggestion | None = None
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "diagnoses": [d.to_dict() for d in self.diagnoses],
            "procedures": [p.to_dict() for p in self.procedures],
            "em": self.em.to_dict() if self.em else None,
            "notes": list(self.notes),
        }

    def codes(self, status: str = "suggested") -> list[str]:
        """Diagnosis codes (dotted) with the given status, in order."""
        return [d.code for d in self.diagnoses if d.status == status]


_engine_lock = threading.Lock()
_engines: DataCache[None, SuggestEngine] = DataCache("suggestion engines")


class SuggestEngine:
    """Loads the ICD-10-CM dictionary, the ConText pipeline and (if trained) the learned model."""

    def __init__(
        self,
        release: Icd10cmRelease,
        lexicon: Lexicon,
        model: SuggestModel | None,
        reader: ContextReader | None,
        manifestations: frozenset[str] = frozenset(),
    ) -> None:
        self.release = release
        self.lexicon = lexicon
        self.model = model
        self.reader = reader
        self.manifestations = manifestations

    @classmethod
    def load(
        cls,
        model: Path | SuggestModel | None = None,
        dos: date | None = None,
        context: bool = True,
        learned: bool = True,
    ) -> SuggestEngine:
        """Load the engine: the release in force on ``dos``, its dictionary (cached under
        ``data_dir()``), the learned model if one was trained (``learned=False`` skips it), and
        medspacy's ConText."""
        from medbill.core.codesets import icd10cm

        release = icd10cm(dos)
        lexicon = load_lexicon(release)
        trained: SuggestModel | None
        if isinstance(model, SuggestModel):
            trained = model
        elif learned:
            trained = load_model(model or model_path())
        else:
            trained = None
        reader = None
        if context:
            from medbill.core.suggest._context import ContextReader

            reader = ContextReader()
        return cls(release, lexicon, trained, reader, _mce_manifestations(dos))

    @classmethod
    def shared(cls) -> SuggestEngine:
        """One engine per process and data directory, loaded on first use (for the CLI and
        web views)."""
        home = data_dir()
        with _engine_lock:
            engine = _engines.get(home, None)
            if engine is None:
                engine = _engines.put(home, None, cls.load())
            return engine

    @classmethod
    def for_date(cls, dos: date) -> SuggestEngine:
        """The shared engine when its release is in force on ``dos``, else one loaded for the
        release of that date (the learned model is the same)."""
        engine = cls.shared()
        if engine.release.covers(dos):
            return engine
        return cls.load(model=engine.model, dos=dos)

    def threshold(self) -> float:
        return self.model.threshold if self.model else HEURISTIC_THRESHOLD

    def suggest(
        self,
        text: str,
        *,
        setting: str = "outpatient",
        encounter: str | None = None,
        patient_age: int | None = None,
        new_patient: bool | None = None,
        fee_schedule: Iterable[tuple[str, str]] | None = None,
        review: int = 5,
        assertion: str = "guidelines",
        sex: str | None = None,
        date_of_service: date | None = None,
    ) -> SuggestionResult:
        """Suggest diagnoses (ordered), services and the E/M level for one note.

        ``setting`` is ``outpatient`` (uncertain diagnoses are not coded, IV.H) or ``inpatient``;
        ``encounter`` (``initial``/``subsequent``/``sequela``) sets injury 7th characters when the
        note does not say; ``fee_schedule`` is an iterable of ``(code, description)`` the practice
        bills, used to map documented services.

        ``assertion="guidelines"`` (the default) applies the Official Guidelines to the ConText of
        each mention: negated findings are not coded, a relative's condition becomes a family
        history code, a resolved one a personal history code, uncertain ones are left out of
        outpatient notes. ``assertion="mentions"`` codes every mention as found, each with its own
        code (the convention of research corpora such as CodiEsp, whose annotators coded negated
        findings too and did not combine codes): no combination codes, CKD stage or laterality
        refinement.
        """
        if setting not in ("outpatient", "inpatient"):
            raise ValueError(f"setting: expected 'outpatient' or 'inpatient', got {setting!r}")
        if assertion not in ("guidelines", "mentions"):
            raise ValueError(f"assertion: expected 'guidelines' or 'mentions', got {assertion!r}")
        from medbill.core.suggest._em import suggest_em
        from medbill.core.suggest._services import suggest_services

        a = analyse(text, self.lexicon, self.reader)
        cands = candidates(a, self.model.stats if self.model else None, self.lexicon)
        threshold = self.threshold()
        if self.model:
            # nothing under half the threshold is shown, so a tenth of it is a safe screen
            rows = [c.features for c in cands]
            scores = list(self.model.score(rows, screen=threshold * 0.1))
        else:
            scores = [_heuristic(c.features) for c in cands]
        by_code: dict[str, list[Mention]] = {}
        for m in a.mentions:
            by_code.setdefault(m.match.code, []).append(m)
        accepted: list[Dx] = []
        maybe: list[Dx] = []
        if assertion == "guidelines":
            # learned evidence gets the same ConText judgement as a dictionary match
            by_code.update(
                a.judge(
                    {
                        c.code: (c.evidence, "; ".join(c.terms))
                        for c, score in zip(cands, scores, strict=True)
                        if c.code not in by_code and c.evidence and score >= threshold * 0.5
                    }
                )
            )
        for cand, score in zip(cands, scores, strict=True):
            ms = by_code.get(cand.code, [])
            weight = max((SECTION_WEIGHT.get(m.section, 0.5) for m in ms), default=0.6)
            dx = Dx(cand.code, float(score), list(cand.evidence), list(cand.terms), weight=weight)
            kept = apply_context(dx, ms, setting) if assertion == "guidelines" else [dx]
            if score >= threshold:
                accepted.extend(kept)
            elif score >= threshold * 0.5:
                maybe.extend(k for k in kept if k.code == cand.code)
        routes: list[RouteFinding] = []
        lookups = Lookups()  # the Index answers for this note's phrases
        if assertion == "guidelines":
            routes = route_findings(text, a.sentences, dos=date_of_service, lookups=lookups)
            accepted += self._from_index(a, routes, accepted, setting, threshold)
        procedures, notes = suggest_services(text, fee_schedule, patient_age=patient_age)
        visit = Visit(
            text,
            self.release,
            setting,
            patient_age,
            sex,
            new_patient,
            date_of_service,
            procedures,
            a.sentences,
            self.manifestations,
        )
        guidelines = assertion == "guidelines"
        if guidelines:
            accepted = apply_guidelines("context", accepted, visit, maybe)
        ordered = apply_rules(accepted, text, self.release, encounter, combine=guidelines)
        if guidelines:
            ordered = apply_guidelines("diagnoses", ordered, visit)
            ordered = [d for d in _dedupe(ordered) if self.release.is_billable(d.code)]
            ordered = apply_guidelines("sequence", ordered, visit)
        # the coder's route to each code (the billing mode only: it costs an Index look-up)
        trails = {r.code.replace(".", ""): r.trail for r in routes}
        diagnoses = [
            self._suggestion(
                d, text, "suggested",
                self._trail(d, text, trails, date_of_service, lookups) if guidelines else "",
            )
            for d in ordered
        ]  # fmt: skip
        have = {d.code for d in diagnoses}
        maybe.sort(key=lambda d: -d.score)
        for d in maybe:
            if len([x for x in diagnoses if x.status == "review"]) >= review:
                break
            if guidelines and not _survives(d, ordered, visit):
                continue  # the diagnosis rules would drop it beside the suggested codes
            if self.release.is_billable(d.code) and _dot(d.code) not in have:
                diagnoses.append(self._suggestion(d, text, "review"))
                have.add(_dot(d.code))
        em = suggest_em(
            text,
            procedures,
            patient_age=patient_age,
            new_patient=new_patient,
            diagnoses=sum(1 for d in diagnoses if d.status == "suggested"),
        )
        if em.code and "25" in em.modifiers:
            notes.append("modifier 25: E/M separately identifiable from the same-day procedure")
        dx_notes = self._use_additional(ordered)
        return SuggestionResult(tuple(diagnoses), tuple(procedures), em, tuple(notes + dx_notes))

    def _suggestion(self, d: Dx, text: str, status: str, trail: str = "") -> CodeSuggestion:
        ev = tuple(Evidence(s, e, text[s:e]) for s, e in tidy_spans(d.evidence)[:4])
        return CodeSuggestion(
            code=_dot(d.code),
            description=self.release.description(d.code) or "",
            score=min(1.0, d.score),
            evidence=ev,
            reasons=tuple(d.reasons),
            status=status,
            trail=trail,
        )

    def _from_index(
        self,
        a: Analysis,
        routes: list[RouteFinding],
        accepted: list[Dx],
        setting: str,
        threshold: float,
    ) -> list[Dx]:
        """Candidates the Alphabetic Index leads to from the problems of the assessment that
        no other route found, judged by ConText like a dictionary match ("rule out angina"
        is not coded in an outpatient note)."""
        have = {d.code for d in accepted}
        found: dict[str, tuple[list[tuple[int, int]], str]] = {}
        for r in routes:
            code = r.code.replace(".", "")
            if code in have or code in found or not self.release.is_billable(code):
                continue
            # a condition another route found already is coded from there, unless only its
            # unspecified code was found and the Index leads to one specific code (I.A.9.a)
            kin = [d.code for d in accepted if d.code[:3] == code[:3]]
            if kin and (
                r.guessed or self._unspecified(code) or not all(map(self._unspecified, kin))
            ):
                continue
            found[code] = ([(r.start, r.end)], f"Index: {r.trail}")
        if not found:
            return []
        judged = a.judge(found)
        out: list[Dx] = []
        for code, (spans, term) in found.items():
            dx = Dx(code, max(threshold, ROUTE_SCORE), spans, [term],
                    weight=SECTION_WEIGHT["assessment"])  # fmt: skip
            out.extend(apply_context(dx, judged.get(code, []), setting))
        return out

    def _unspecified(self, code: str) -> bool:
        return "unspecified" in (self.release.description(code) or "").lower()

    def _trail(
        self, d: Dx, text: str, trails: dict[str, str], dos: date | None, lookups: Lookups
    ) -> str:
        """The Index route to a suggested code: the one that found it, or the route from its
        evidence when the Index leads there too."""
        if d.code in trails:
            return trails[d.code]
        for start, end in tidy_spans(d.evidence)[:1]:
            trail = trail_for(_dot(d.code), text[start:end], dos=dos, lookups=lookups)
            if trail:
                return trail
        return ""

    def _use_additional(self, dxs: list[Dx]) -> list[str]:
        from medbill.core.codesets import code_refs

        have = [d.code for d in dxs]
        out = []
        for d in dxs:
            info = self.release.get(d.code)
            if info is None:
                continue
            for note in info.use_additional:
                if "to identify" not in note or "if applicable" in note:
                    continue
                refs = code_refs(note)
                if refs and not any(
                    low <= c[: len(low)] and c[: len(high)] <= high
                    for c in have
                    for low, high in refs
                ):
                    out.append(f"{_dot(d.code)}: use additional {note}")
                    break
        return out


def _mce_manifestations(dos: date | None) -> frozenset[str]:
    """The CMS MCE manifestation list in force on ``dos`` (codes that may not be listed
    first), from the stored scrub tables; empty when they were not built."""
    from medbill.core.scrubber.refdata import load_releases

    try:
        table = load_releases("mce").for_date(dos or date.today())
    except (OSError, ValueError, KeyError, IndexError):
        return frozenset()
    if table is None:
        return frozenset()
    return frozenset(table.lists.get("manifestation", ()))


def _survives(d: Dx, ordered: list[Dx], visit: Visit) -> bool:
    """Whether a code offered for review would stay beside the suggested ones under the
    diagnosis-stage guideline rules ('flu shot' read as a firearm discharge would not)."""
    kept = apply_guidelines("diagnoses", [*ordered, d], visit)
    return any(x.code.startswith(d.code) or d.code.startswith(x.code) for x in kept)


def _dot(code: str) -> str:
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


def _heuristic(features: list[float]) -> float:
    """A score without a learned model: whole-term, asserted, unambiguous, important section."""
    from medbill.core.suggest._features import FEATURES

    f = dict(zip(FEATURES, features, strict=True))
    if f["dict_size"] == 0:
        return 0.0
    score = 0.45 + 0.1 * min(f["dict_size"], 3) + 0.2 * f["section_weight"]
    if f["term_ambiguity"] > 1:
        score -= 0.1
    if f["subsumed"]:
        score -= 0.35
    if f["dict_asserted"] == 0:
        score -= 0.05
    return max(0.0, min(1.0, score))


def load_lexicon(release: Icd10cmRelease) -> Lexicon:
    """The dictionary for ``release``: read from the cache, or built once and cached."""
    from medbill.core.codesets.lists import ABBREVIATIONS
    from medbill.core.suggest._phrases import EXTRA_TERMS

    path = lexicon_path(release.name)
    if path.exists():
        with path.open("rb") as fh:
            stored: Lexicon = pickle.load(fh)
        return stored
    lexicon = Lexicon.build(release, dict(ABBREVIATIONS), EXTRA_TERMS)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        pickle.dump(lexicon, fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
    return lexicon
