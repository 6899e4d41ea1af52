"""Search quality: queries written the way coders and clinicians type them, and the code each
should find. Prints top-1 and top-5 accuracy (targets: top-5 >= 95%, top-1 >= 85%).

    python bench/search_quality.py [--verbose]

The set covers abbreviations (T2DM, HTN, s/p), word order, lay terms, laterality, encounter
(7th character), HCPCS supplies and drugs, modifiers, places of service and code look-ups.
It is a development set: ranking changes are checked against it, so report it as such.
"""

from __future__ import annotations

import sys
import time

from medbill.core.codesets.search import search

QUERIES: tuple[tuple[str, str], ...] = (
    ("T2DM", "E11.9"),
    ("type 2 diabetes without complications", "E11.9"),
    ("T2DM with CKD", "E11.22"),
    ("type 2 diabetic with hyperglycemia", "E11.65"),
    ("DM2 w/ neuropathy", "E11.40"),
    ("T1DM", "E10.9"),
    ("type 1 diabetes with ketoacidosis without coma", "E10.10"),
    ("diabetic retinopathy type 2", "E11.319"),
    ("hypothyroidism", "E03.9"),
    ("hyperlipidemia", "E78.5"),
    ("high cholesterol", "E78.00"),
    ("HLD", "E78.5"),
    ("vitamin D deficiency", "E55.9"),
    ("obesity", "E66.9"),
    ("morbid obesity due to excess calories", "E66.01"),
    ("BMI 40-44.9 adult", "Z68.41"),
    ("hypokalemia", "E87.6"),
    ("dehydration", "E86.0"),
    ("gestational diabetes", "O24.419"),
    ("prediabetes", "R73.03"),
    ("HTN", "I10"),
    ("high blood pressure", "I10"),
    ("hypertensive heart disease with heart failure", "I11.0"),
    ("hypertensive CKD", "I12.9"),
    ("CHF", "I50.9"),
    ("chronic HFrEF", "I50.22"),
    ("acute on chronic diastolic heart failure", "I50.33"),
    ("AFib", "I48.91"),
    ("paroxysmal afib", "I48.0"),
    ("atrial flutter", "I48.92"),
    ("CAD", "I25.10"),
    ("CAD with unstable angina", "I25.110"),
    ("acute MI", "I21.9"),
    ("heart attack", "I21.9"),
    ("old MI", "I25.2"),
    ("DVT left leg", "I82.402"),
    ("PE", "I26.99"),
    ("hx of DVT", "Z86.718"),
    ("PVD", "I73.9"),
    ("stroke", "I63.9"),
    ("TIA", "G45.9"),
    ("hx of stroke without residual deficits", "Z86.73"),
    ("SVT", "I47.10"),
    ("bradycardia", "R00.1"),
    ("palpitations", "R00.2"),
    ("chest pain", "R07.9"),
    ("aortic stenosis", "I35.0"),
    ("orthostatic hypotension", "I95.1"),
    ("long term use of anticoagulants", "Z79.01"),
    ("pacemaker status", "Z95.0"),
    ("COPD", "J44.9"),
    ("COPD exacerbation", "J44.1"),
    ("asthma", "J45.909"),
    ("mild intermittent asthma", "J45.20"),
    ("moderate persistent asthma with acute exacerbation", "J45.41"),
    ("URI", "J06.9"),
    ("acute bronchitis", "J20.9"),
    ("pneumonia", "J18.9"),
    ("flu", "J11.1"),
    ("COVID", "U07.1"),
    ("OSA", "G47.33"),
    ("acute sinusitis", "J01.90"),
    ("chronic sinusitis", "J32.9"),
    ("allergic rhinitis", "J30.9"),
    ("sore throat", "J02.9"),
    ("strep throat", "J02.0"),
    ("cough", "R05.9"),
    ("shortness of breath", "R06.02"),
    ("wheezing", "R06.2"),
    ("RSV bronchiolitis", "J21.0"),
    ("GERD", "K21.9"),
    ("GERD with esophagitis", "K21.00"),
    ("IBS", "K58.9"),
    ("constipation", "K59.00"),
    ("diarrhea", "R19.7"),
    ("nausea with vomiting", "R11.2"),
    ("abdominal pain RLQ", "R10.31"),
    ("epigastric pain", "R10.13"),
    ("acute appendicitis", "K35.80"),
    ("cholelithiasis", "K80.20"),
    ("gallstones", "K80.20"),
    ("fatty liver", "K76.0"),
    ("hemorrhoids", "K64.9"),
    ("diverticulitis of colon", "K57.32"),
    ("GI bleed", "K92.2"),
    ("C diff colitis", "A04.72"),
    ("ulcerative colitis", "K51.90"),
    ("Crohn's disease", "K50.90"),
    ("gastroenteritis", "K52.9"),
    ("dysphagia", "R13.10"),
    ("UTI", "N39.0"),
    ("cystitis", "N30.90"),
    ("CKD stage 3a", "N18.31"),
    ("CKD", "N18.9"),
    ("ESRD", "N18.6"),
    ("AKI", "N17.9"),
    ("BPH with LUTS", "N40.1"),
    ("BPH", "N40.0"),
    ("kidney stone", "N20.0"),
    ("hematuria", "R31.9"),
    ("ED", "N52.9"),
    ("urinary incontinence", "R32"),
    ("overactive bladder", "N32.81"),
    ("OA of right knee", "M17.11"),
    ("bilateral knee OA", "M17.0"),
    ("RA", "M06.9"),
    ("low back pain", "M54.50"),
    ("LBP", "M54.50"),
    ("neck pain", "M54.2"),
    ("sciatica left side", "M54.32"),
    ("left knee pain", "M25.562"),
    ("right shoulder pain", "M25.511"),
    ("gout", "M10.9"),
    ("osteoporosis", "M81.0"),
    ("fibromyalgia", "M79.7"),
    ("plantar fasciitis", "M72.2"),
    ("carpal tunnel syndrome right", "G56.01"),
    ("rotator cuff tear right shoulder", "M75.101"),
    ("lumbar radiculopathy", "M54.16"),
    ("muscle spasm of back", "M62.830"),
    ("fx left distal radius initial", "S52.502A"),
    ("closed fracture of right femoral neck initial encounter", "S72.001A"),
    ("right ankle sprain initial", "S93.401A"),
    ("concussion without LOC initial", "S06.0X0A"),
    ("laceration of left hand initial encounter", "S61.412A"),
    ("fall from ladder initial", "W11.XXXA"),
    ("fracture of right clavicle subsequent encounter routine healing", "S42.001D"),
    ("second degree burn of right hand initial", "T23.201A"),
    ("contusion of left knee initial", "S80.02XA"),
    ("whiplash initial encounter", "S13.4XXA"),
    ("migraine", "G43.909"),
    ("headache", "R51.9"),
    ("tension headache", "G44.209"),
    ("epilepsy", "G40.909"),
    ("seizure", "R56.9"),
    ("Parkinson's disease", "G20.A1"),
    ("Alzheimer's disease", "G30.9"),
    ("dementia", "F03.90"),
    ("MDD recurrent moderate", "F33.1"),
    ("MDD single episode", "F32.9"),
    ("depression", "F32.A"),
    ("GAD", "F41.1"),
    ("anxiety", "F41.9"),
    ("ADHD", "F90.9"),
    ("ADHD combined type", "F90.2"),
    ("insomnia", "G47.00"),
    ("PTSD", "F43.10"),
    ("bipolar disorder", "F31.9"),
    ("alcohol dependence", "F10.20"),
    ("OUD", "F11.20"),
    ("nicotine dependence cigarettes", "F17.210"),
    ("smoker", "F17.210"),
    ("autism", "F84.0"),
    ("multiple sclerosis", "G35.D"),
    ("neuropathy", "G62.9"),
    ("BPPV right ear", "H81.11"),
    ("syncope", "R55"),
    ("cellulitis of left leg", "L03.116"),
    ("acne", "L70.9"),
    ("eczema", "L30.9"),
    ("psoriasis", "L40.9"),
    ("pink eye", "H10.9"),
    ("otitis media right ear", "H66.91"),
    ("impacted cerumen bilateral", "H61.23"),
    ("cataract", "H26.9"),
    ("glaucoma", "H40.9"),
    ("dry eye bilateral", "H04.123"),
    ("tinnitus", "H93.19"),
    ("shingles", "B02.9"),
    ("hives", "L50.9"),
    ("wart", "B07.9"),
    ("ingrown toenail", "L60.0"),
    ("annual physical", "Z00.00"),
    ("well child check", "Z00.129"),
    ("flu vaccine encounter", "Z23"),
    ("screening colonoscopy", "Z12.11"),
    ("screening mammogram", "Z12.31"),
    ("h/o breast cancer", "Z85.3"),
    ("family history of colon cancer", "Z80.0"),
    ("s/p CABG", "Z95.1"),
    ("long term insulin use", "Z79.4"),
    ("f/u exam after completed treatment", "Z09"),
    ("preop exam", "Z01.818"),
    ("pregnancy test positive", "Z32.01"),
    ("contraceptive counseling", "Z30.09"),
    ("BMI 30-30.9 adult", "Z68.30"),
    ("allergy to penicillin", "Z88.0"),
    ("DNR status", "Z66"),
    ("hx of tobacco use", "Z87.891"),
    ("encounter for immunization", "Z23"),
    ("supervision of normal first pregnancy first trimester", "Z34.01"),
    ("hyperemesis gravidarum", "O21.0"),
    ("HIV", "B20"),
    ("chronic hepatitis C", "B18.2"),
    ("sepsis", "A41.9"),
    ("strep pharyngitis", "J02.0"),
    ("iron deficiency anemia", "D50.9"),
    ("anemia", "D64.9"),
    ("B12 deficiency anemia", "D51.9"),
    ("thrombocytopenia", "D69.6"),
    ("lymphadenopathy", "R59.9"),
    ("fever", "R50.9"),
    ("fatigue", "R53.83"),
    ("weight loss", "R63.4"),
    ("lung cancer", "C34.90"),
    ("prostate cancer", "C61"),
    ("breast cancer left", "C50.912"),
    ("colon cancer", "C18.9"),
    ("flu shot administration", "G0008"),
    ("dexamethasone injection", "J1100"),
    ("B12 injection", "J3420"),
    ("ketorolac injection", "J1885"),
    ("ceftriaxone injection", "J0696"),
    ("annual wellness visit initial", "G0438"),
    ("AWV subsequent", "G0439"),
    ("standard cane", "E0100"),
    ("folding wheeled walker", "E0143"),
    ("glucose test strips", "A4253"),
    ("CPAP device", "E0601"),
    ("pneumococcal vaccine administration", "G0009"),
    ("annual depression screening", "G0444"),
    ("ambulance ALS emergency", "A0427"),
    ("bilateral procedure modifier", "50"),
    ("distinct procedural service", "59"),
    ("right side modifier", "RT"),
    ("significant separately identifiable E/M", "25"),
    ("ABN on file", "GA"),
    ("CLIA waived test", "QW"),
    ("office place of service", "11"),
    ("telehealth in patient's home", "10"),
    ("urgent care facility", "20"),
    ("on campus outpatient hospital", "22"),
    ("E11.22", "E11.22"),
    ("e1122", "E11.22"),
    ("i10", "I10"),
    ("S72.001A", "S72.001A"),
    ("j1100", "J1100"),
    ("Z00.00", "Z00.00"),
)


def score(rows, *, dos=None, verbose: bool = False, label: str = "") -> tuple[float, float]:
    """Top-1 and top-5 accuracy of ``rows`` (query, accepted codes); prints the misses if asked."""
    top1 = top5 = 0
    misses = []
    times = []
    started = time.perf_counter()
    cpu = time.process_time()
    for query, accepted in rows:
        t0 = time.perf_counter()
        codes = [hit.code for hit in search(query, limit=5, dos=dos)]
        times.append(time.perf_counter() - t0)
        top1 += bool(codes) and codes[0] in accepted
        top5 += any(code in accepted for code in codes)
        if not codes or codes[0] not in accepted:
            misses.append((query, accepted, codes))
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu
    n = len(rows)
    if verbose:
        for query, accepted, codes in misses:
            mark = "top-5" if any(c in accepted for c in codes) else "MISS "
            print(f"{mark} {query!r:50} want {'|'.join(accepted):9} got {', '.join(codes)}")
    print(f"{label}queries: {n}")
    print(f"{label}top-1 accuracy: {top1 / n:.1%} ({top1}/{n})")
    print(f"{label}top-5 accuracy: {top5 / n:.1%} ({top5}/{n})")
    times.sort()
    p50, p95 = times[len(times) // 2], times[int(0.95 * (len(times) - 1))]
    print(f"{label}time: {elapsed:.2f} s for all queries; per query p50 {p50 * 1000:.2f} ms, "
          f"p95 {p95 * 1000:.2f} ms (wall), CPU mean {cpu / n * 1000:.2f} ms")  # fmt: skip
    return top1 / n, top5 / n


def main(
    verbose: bool = False, halves: tuple[str, ...] = ("tune", "heldout")
) -> tuple[float, float]:
    """The 238-query development set, then each half of the shorthand set.

    ``--verbose`` lists the misses of the development set and of the tuning half only: the
    held-out half is reported as numbers, so it is not tuned to by reading it.
    """
    from shorthand_set import DOS, split

    result = score([(q, (e,)) for q, e in QUERIES], verbose=verbose, label="dev: ")
    parts = split()
    for name in halves:
        print()
        score(parts[name], dos=DOS, verbose=verbose and name == "tune", label=f"shorthand {name}: ")
    return result


if __name__ == "__main__":
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent))
    # --tune: the development set and the tuning half only (what to look at while tuning)
    halves = ("tune",) if "--tune" in sys.argv else ("tune", "heldout")
    main(verbose="--verbose" in sys.argv or "-v" in sys.argv, halves=halves)
