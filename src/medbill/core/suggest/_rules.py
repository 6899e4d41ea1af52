"""Coding conventions applied after concept finding: context, combination codes, sequencing.

Each rule works on a list of :class:`Dx` (a code, its score, evidence and the reasons that produced
it) and says in ``reason`` which guideline it applied, so the coder sees why a code changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from medbill.core.codesets._icd10cm import Icd10cmRelease
    from medbill.core.suggest._features import Mention

__all__ = ["Dx", "apply_rules", "history_code", "family_history_code"]


@dataclass
class Dx:
    """A diagnosis while rules run: code without dot, score, evidence spans and reasons."""

    code: str
    score: float
    evidence: list[tuple[int, int]]
    reasons: list[str]
    status: str = "suggested"
    weight: float = 0.7
    extra: dict[str, Any] = field(default_factory=dict)


# Conditions that, once over, are reported with a personal-history code (Z85-Z87, I25.2).
# Code prefix of the condition -> history code. Longest prefix wins.
_HISTORY = {
    "C50": "Z853",
    "C18": "Z85038",
    "C19": "Z85048",
    "C20": "Z85048",
    "C34": "Z85118",
    "C61": "Z8546",
    "C64": "Z85528",
    "C67": "Z8551",
    "C43": "Z8582",
    "C44": "Z85828",
    "C53": "Z8541",
    "C54": "Z8542",
    "C56": "Z8543",
    "C73": "Z85850",
    "C81": "Z8571",
    "C83": "Z8572",
    "C85": "Z8572",
    "C91": "Z856",
    "C92": "Z856",
    "C": "Z859",
    "I21": "I252",
    "I22": "I252",
    "I63": "Z8673",
    "G45": "Z8673",
    "I26": "Z86711",
    "I82": "Z86718",
    "J18": "Z8701",
    "J15": "Z8701",
    "N39": "Z87440",
    "N20": "Z87442",
    "S06": "Z87820",
    "S02": "Z8781",
    "S12": "Z8781",
    "S22": "Z8781",
    "S32": "Z8781",
    "S42": "Z8781",
    "S52": "Z8781",
    "S62": "Z8781",
    "S72": "Z8781",
    "S82": "Z8781",
    "S92": "Z8781",
    "F17": "Z87891",
    "K25": "Z8711",
    "K26": "Z8711",
    "K27": "Z8711",
    "A15": "Z8611",
    "O14": "Z8759",
    "K35": "Z87898",
    "D12": "Z86010",
    "K63": "Z86010",
}

# Condition prefix -> family-history code (Z80-Z84).
_FAMILY = {
    "C50": "Z803",
    "C18": "Z800",
    "C19": "Z800",
    "C20": "Z800",
    "C16": "Z800",
    "C25": "Z800",
    "C34": "Z801",
    "C61": "Z8042",
    "C56": "Z8041",
    "C53": "Z8049",
    "C54": "Z8049",
    "C64": "Z8051",
    "C67": "Z8052",
    "C43": "Z808",
    "C91": "Z806",
    "C92": "Z806",
    "C": "Z809",
    "E10": "Z833",
    "E11": "Z833",
    "E14": "Z833",
    "I21": "Z8249",
    "I25": "Z8249",
    "I10": "Z8249",
    "I63": "Z823",
    "I64": "Z823",
    "G30": "Z8201",
    "G40": "Z8202",
    "J45": "Z825",
    "F32": "Z818",
    "F10": "Z8141",
    "E78": "Z8342",
    "N18": "Z841",
    "Q": "Z8279",
    "I46": "Z8241",
}

# Chronic conditions: a "history of" these in a note describes a current problem, coded as such.
_CHRONIC = re.compile(
    r"^(E0[89]|E1[0-3]|E03|E66|E78|I1[0-6]|I25|I48|I50|J4[45]|F|G20|G40|N18|B20|M05|M06|K50|K51)"
)


def _lookup(table: dict[str, str], code: str) -> str | None:
    for n in range(len(code), 0, -1):
        hit = table.get(code[:n])
        if hit:
            return hit
    return None


def history_code(code: str) -> str | None:
    """The personal-history code for a condition that is over, or None when none applies."""
    return _lookup(_HISTORY, code)


def family_history_code(code: str) -> str | None:
    """The family-history code (Z80-Z84) for a relative's condition, or None."""
    return _lookup(_FAMILY, code)


def apply_context(dx: Dx, mentions: Sequence[Mention], setting: str) -> list[Dx]:
    """Turn one candidate into what its mentions' context supports.

    Negated everywhere -> nothing. Only a relative's -> the family-history code. Only in the past
    and not chronic -> the personal-history code. Only uncertain ("rule out", "probable") in an
    outpatient note -> nothing: the documented signs and symptoms are coded instead (IV.H);
    in an inpatient note uncertain diagnoses at discharge are coded as if established (II.H).
    """
    if not mentions or any(m.asserted and not m.historical for m in mentions):
        return [dx]
    if all(m.negated for m in mentions):
        return []
    if all(m.family for m in mentions if not m.negated):
        fam = family_history_code(dx.code)
        if not fam:
            return []
        return [
            Dx(fam, dx.score, dx.evidence, [*dx.reasons, "family history (ConText)"], weight=0.2)
        ]
    if any(m.uncertain or m.hypothetical for m in mentions if not m.negated):
        # Signs and symptoms are what an outpatient coder reports for an uncertain diagnosis,
        # even when they are written in the same sentence ("rule out pneumonia given cough").
        if setting == "inpatient" or dx.code.startswith("R"):
            return [dx]
        return []
    if any(m.historical for m in mentions):
        if _CHRONIC.match(dx.code):
            return [dx]
        hist = history_code(dx.code)
        if not hist:
            return []
        return [
            Dx(hist, dx.score, dx.evidence, [*dx.reasons, "personal history (ConText)"], weight=0.2)
        ]
    return [dx]


_CKD_STAGE = re.compile(
    r"\b(?:ckd|chronic kidney disease|chronic renal (?:failure|insufficiency))"
    r"[^.\n]{0,20}?\bstage\s*(?P<stage>[1-5IV]+)\s*(?P<sub>[ab])?\b"
    r"|\bstage\s*(?P<stage2>[1-5IV]+)\s*(?P<sub2>[ab])?\s+(?:ckd|chronic kidney disease)",
    re.IGNORECASE,
)
_ESRD = re.compile(r"\b(?:esrd|end[- ]stage renal disease|end[- ]stage kidney disease)\b", re.I)
_DIALYSIS = re.compile(r"\b(?:hemodialysis|peritoneal dialysis|on dialysis)\b", re.I)
_ROMAN = {"I": "1", "II": "2", "III": "3", "IV": "4", "V": "5"}


def ckd_stage(text: str) -> tuple[str, tuple[int, int]] | None:
    """The N18 code the note's documented CKD stage supports, with its span."""
    m = _ESRD.search(text)
    if m:
        return "N186", m.span()
    m = _CKD_STAGE.search(text)
    if not m:
        return None
    stage = (m.group("stage") or m.group("stage2")).upper()
    stage = _ROMAN.get(stage, stage)
    sub = (m.group("sub") or m.group("sub2") or "").lower()
    if stage == "3":
        return {"a": "N1831", "b": "N1832"}.get(sub, "N1830"), m.span()
    if stage in "1245":
        return f"N18{stage}", m.span()
    return None


def _find(dxs: list[Dx], prefix: str) -> list[Dx]:
    return [d for d in dxs if d.code.startswith(prefix)]


def tidy_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Evidence spans in text order, overlapping ones joined into one."""
    uniq = sorted(set(spans), key=lambda x: (x[0], -x[1]))
    out: list[tuple[int, int]] = []
    for s, e in uniq:
        if out and s < out[-1][1]:
            out[-1] = (out[-1][0], max(e, out[-1][1]))
            continue
        out.append((s, e))
    return out


def _merge(target: Dx, parts: list[Dx], reason: str) -> Dx:
    ev: list[tuple[int, int]] = []
    for p in parts:
        ev.extend(p.evidence)
    target.evidence = tidy_spans(ev)[:4]
    target.score = max(p.score for p in parts)
    target.weight = max(p.weight for p in parts)
    target.reasons = [*target.reasons, reason]
    return target


# Diabetes complications: complication code prefix -> 4th/5th characters of the combination.
_DM_COMPLICATIONS = (
    (
        ("N18", "N181", "N182", "N183", "N184", "N185", "N186"),
        "22",
        "diabetic chronic kidney disease",
    ),
    (("N08", "N05", "N04", "N039", "R809", "R80"), "21", "diabetic nephropathy"),
    (("G629", "G609", "G63", "G62"), "40", "diabetic neuropathy"),
    (("H3600", "H35", "H360"), "319", "diabetic retinopathy"),
    (("R739", "R7309", "R73"), "65", "hyperglycemia"),
    (("E162", "E1621", "E16"), "649", "hypoglycemia"),
    (("I739", "I70"), "51", "diabetic peripheral angiopathy"),
    (("L97",), "621", "diabetic foot ulcer"),
    (("E871",), "00", "hyperosmolarity"),
)


def diabetes(dxs: list[Dx]) -> list[Dx]:
    """E08-E13 "with" combinations (I.A.15, I.C.4.a): diabetes and its complication in one code,
    keeping the complication's own code where the tabular asks for it (CKD stage, ulcer site)."""
    for dm in [d for d in dxs if re.match(r"E(0[89]|1[013])", d.code)]:
        family = dm.code[:3]
        if dm.code[3:] not in ("9", "8", ""):
            continue
        for prefixes, suffix, label in _DM_COMPLICATIONS:
            comps = [d for d in dxs if d is not dm and d.code.startswith(prefixes)]
            if not comps:
                continue
            keep = suffix in ("22", "621")
            dm.code = family + suffix
            _merge(dm, [dm, *comps], f"combination code: diabetes with {label} (I.A.15)")
            if not keep:
                for c in comps:
                    dxs.remove(c)
            break
    return dxs


def hypertension(dxs: list[Dx], text: str) -> list[Dx]:
    """Hypertension with heart disease and/or CKD (I.C.9.a): I11, I12, I13 plus the HF and
    CKD stage codes; the causal link is presumed."""
    htn = [d for d in dxs if d.code == "I10"]
    if not htn:
        return dxs
    h = htn[0]
    hf = [d for d in dxs if d.code.startswith("I50")]
    ckd = [d for d in dxs if d.code.startswith("N18")]
    late = any(d.code in ("N185", "N186") for d in ckd)
    if hf and ckd:
        h.code = "I132" if late else "I130"
        _merge(h, [h, *hf, *ckd], "hypertensive heart and chronic kidney disease (I.C.9.a.3)")
    elif hf:
        h.code = "I110"
        _merge(h, [h, *hf], "hypertension with heart failure (I.C.9.a.1)")
    elif ckd:
        h.code = "I120" if late else "I129"
        _merge(h, [h, *ckd], "hypertensive chronic kidney disease (I.C.9.a.2)")
    return dxs


_LATERAL = re.compile(r"\b(right|left|bilateral|both)\b", re.I)
_SIDE_WORDS = {"right", "left", "bilateral", "unspecified", "unilateral"}


def laterality(dxs: list[Dx], text: str, release: Icd10cmRelease) -> list[Dx]:
    """Move a code without a documented side to the right/left/bilateral code of its category
    when the words around its evidence name the side."""
    from medbill.core.suggest._lexicon import words

    for d in dxs:
        title = (release.description(d.code) or "").lower()
        if not d.evidence or any(w in title.split() for w in ("right", "left", "bilateral")):
            continue
        s, e = d.evidence[0]
        window = text[max(0, s - 40) : e + 40]
        sides = {m.group(1).lower() for m in _LATERAL.finditer(window)}
        if not sides:
            continue
        both = {"bilateral", "both"} & sides or {"right", "left"} <= sides
        side = "bilateral" if both else sides.pop()
        base = set(words(title)) - _SIDE_WORDS
        best = None
        for sib in release.billable_descendants(d.code[:3]):
            st = (release.description(sib) or "").lower()
            if side not in st:
                continue
            sw = set(words(st))
            if not base <= sw:
                continue
            extra = len(sw - base - _SIDE_WORDS)
            if best is None or extra < best[0]:
                best = (extra, sib)
        if best is not None and best[0] <= 3:
            d.code = best[1]
            d.reasons.append(f"laterality: {side} documented")
    return dxs


_SUBSEQUENT_STRONG = re.compile(r"\b(routine healing|subsequent encounter|delayed healing)\b", re.I)
_SUBSEQUENT = re.compile(
    r"\b(follow[- ]?up|routine healing|healing well|subsequent encounter|cast check|"
    r"recheck|suture removal|healing)\b",
    re.I,
)
_SEQUELA = re.compile(r"\b(sequela|late effect|residual of|as a result of (?:an? )?old)\b", re.I)


def encounter_character(text: str, encounter: str | None, near: str = "") -> str:
    """The injury 7th character: ``A`` initial (active treatment), ``D`` subsequent, ``S``
    sequela (I.C.19.a), from the caller's encounter type or the wording of the note (strong
    phrases anywhere, follow-up words near the injury)."""
    if encounter:
        return {"initial": "A", "subsequent": "D", "sequela": "S"}.get(encounter, "A")
    if _SEQUELA.search(text):
        return "S"
    if _SUBSEQUENT_STRONG.search(text) or _SUBSEQUENT.search(near):
        return "D"
    return "A"


def seventh(dxs: list[Dx], text: str, release: Icd10cmRelease, encounter: str | None) -> list[Dx]:
    """Replace the 7th character of injury codes with the encounter's."""
    for d in dxs:
        if not (len(d.code) == 7 and d.code[0] in "ST" and d.code.endswith("A")):
            continue
        s, e = d.evidence[0] if d.evidence else (0, 0)
        char = encounter_character(text, encounter, text[max(0, s - 120) : e + 120])
        alt = d.code[:6] + char
        if char != "A" and release.is_billable(alt):
            d.code = alt
            d.reasons.append(
                f"7th character {char}: {'subsequent' if char == 'D' else 'sequela'} encounter"
            )
    return dxs


def _dedupe(dxs: list[Dx]) -> list[Dx]:
    seen: dict[str, Dx] = {}
    for d in dxs:
        if d.code in seen:
            _merge(seen[d.code], [seen[d.code], d], "")
            seen[d.code].reasons = [r for r in seen[d.code].reasons if r]
        else:
            seen[d.code] = d
    return list(seen.values())


def sequence(dxs: list[Dx], release: Icd10cmRelease) -> list[Dx]:
    """Order: by section weight and score, then etiology before manifestation ("code first"),
    history and status Z codes last."""

    def key(d: Dx) -> tuple[bool, float]:
        z_tail = d.code.startswith(("Z8", "Z9", "Z7"))
        return (z_tail, -(d.weight * 0.5 + d.score))

    ordered = sorted(dxs, key=key)
    codes = [d.code for d in ordered]
    for d in list(ordered):
        info = release.get(d.code)
        if info is None or not info.is_manifestation:
            continue
        firsts = [o for o in ordered if o is not d and _in_notes(o.code, info.code_first)]
        for f in firsts:
            if codes.index(f.code) > codes.index(d.code):
                ordered.remove(f)
                ordered.insert(ordered.index(d), f)
                codes = [o.code for o in ordered]
                d.reasons.append(f"sequenced after {f.code} (code first)")
    return ordered


def _in_notes(code: str, notes: Iterable[str]) -> bool:
    from medbill.core.codesets import code_refs

    for text in notes:
        for low, high in code_refs(text):
            if low <= code[: len(low)] and code[: len(high)] <= high:
                return True
    return False


def apply_rules(
    dxs: list[Dx],
    text: str,
    release: Icd10cmRelease,
    encounter: str | None = None,
    combine: bool = True,
) -> list[Dx]:
    """Combination codes, CKD stage, laterality, 7th characters, de-duplication, sequencing.

    ``combine=False`` leaves each code as suggested (no combination codes, CKD stage or
    laterality refinement): the convention of corpora that code every mention on its own.
    """
    stage = ckd_stage(text) if combine else None
    if stage:
        ckd = [d for d in dxs if d.code.startswith("N18") or d.code in ("N19",)]
        if ckd:
            for d in ckd:
                d.code = stage[0]
                d.reasons.append("CKD stage from documentation")
        else:
            dxs.append(Dx(stage[0], 0.9, [stage[1]], ["CKD stage documented"], weight=0.8))
        if stage[0] == "N186" and _DIALYSIS.search(text) and not _find(dxs, "Z992"):
            dialysis = _DIALYSIS.search(text)
            if dialysis is not None:  # as the test above found
                dxs.append(
                    Dx(
                        "Z992",
                        0.8,
                        [dialysis.span()],
                        ["dialysis documented with ESRD"],
                        weight=0.3,
                    )
                )
    if combine:
        dxs = diabetes(dxs)
        dxs = hypertension(dxs, text)
        dxs = laterality(dxs, text, release)
    dxs = seventh(dxs, text, release, encounter)
    dxs = [d for d in _dedupe(dxs) if release.is_billable(d.code)]
    return sequence(dxs, release)
