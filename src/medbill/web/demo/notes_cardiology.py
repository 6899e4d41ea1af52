"""Cardiology visits of the demo practice (note templates and answer keys)."""

from __future__ import annotations

from medbill.web.demo.scenario import Line, Scenario, Variant

__all__ = ["CARDIOLOGY"]

CARDIOLOGY: tuple[Scenario, ...] = (
    Scenario(
        key="afib_followup",
        reason="Atrial fibrillation follow-up",
        practice="card",
        min_age=55,
        chronic=True,
        weight=4,
        note=(
            "CARDIOLOGY FOLLOW-UP: Atrial fibrillation.\n\n"
            "HPI: {age}-year-old {man} with permanent atrial fibrillation on metoprolol for "
            "rate control and apixaban 5 mg twice daily for stroke prevention "
            "(CHA2DS2-VASc 3). Denies palpitations, chest pain, lightheadedness or syncope. "
            "No bleeding, no black stools.\n\n"
            "{vitals}\n\n"
            "EXAM: Irregularly irregular rhythm, no murmur. Lungs clear. No edema.\n\n"
            "ECG today, interpreted by me: atrial fibrillation, ventricular rate {hr}, no acute "
            "ST changes.\n\n"
            "ASSESSMENT/PLAN:\n"
            "1. Permanent atrial fibrillation - rate controlled. Continue metoprolol.\n"
            "2. Long-term use of anticoagulant - continue apixaban; CBC and creatinine yearly.\n"
            "Return in 6 months."
        ),
        variants=(
            Variant(
                {},
                ("I48.21", "Z79.01"),
                (Line("99214", pointers=(1, 2)), Line("93000", pointers=(1,))),
            ),
        ),
    ),
    Scenario(
        key="warfarin_inr",
        reason="INR check",
        practice="card",
        min_age=55,
        chronic=True,
        weight=2,
        note=(
            "ANTICOAGULATION VISIT.\n\n"
            "Paroxysmal atrial fibrillation on warfarin. Fingerstick INR (CLIA-waived) today "
            "{inr}, goal 2-3. No missed doses, no bleeding, no new medications, diet "
            "unchanged. Dose reviewed and instructions given; next INR in 4 weeks."
        ),
        variants=(
            Variant(
                {},
                ("I48.0", "Z79.01"),
                (Line("85610", ("QW",), pointers=(2,)), Line("93793", pointers=(2, 1))),
            ),
        ),
    ),
    Scenario(
        key="chest_pain_new",
        reason="New patient: chest pain referral",
        practice="card",
        min_age=40,
        max_age=80,
        weight=2,
        note=(
            "NEW PATIENT CARDIOLOGY CONSULTATION (office visit).\n\n"
            "Referred for exertional chest pressure. {age}-year-old {man} with hypertension "
            "and hyperlipidemia describes pressure in the center of the chest after climbing "
            "two flights of stairs, resolving with rest within 5 minutes, for 6 weeks. Denies "
            "pain at rest, syncope or orthopnea.\n\n"
            "FAMILY HISTORY: Brother with coronary stents at 49.\n\n"
            "{vitals}\n\n"
            "EXAM: Regular rhythm, no murmur or gallop, no carotid bruits.\n\n"
            "ECG in office, interpreted by me: sinus rhythm, nonspecific T-wave flattening.\n\n"
            "ASSESSMENT/PLAN:\n"
            "1. Chest pain, possible stable angina - exercise stress test ordered; aspirin "
            "81 mg daily, sublingual nitroglycerin as needed.\n"
            "2. Essential hypertension - continue current therapy.\n"
            "3. Hyperlipidemia - increase atorvastatin to 40 mg.\n"
            "Moderate complexity decision-making."
        ),
        variants=(
            Variant(
                {},
                ("R07.9", "I10", "E78.5", "Z82.49"),
                (Line("99204", pointers=(1, 2, 3, 4)), Line("93000", pointers=(1,))),
            ),
        ),
    ),
    Scenario(
        key="stress_test",
        reason="Exercise stress test",
        practice="card",
        min_age=40,
        max_age=80,
        weight=2,
        note=(
            "EXERCISE TREADMILL STRESS TEST.\n\n"
            "Indication: exertional chest pain; known coronary artery disease without angina "
            "at rest. Bruce protocol, exercised 8 minutes 30 seconds, peak heart rate 88% of "
            "predicted. No chest pain during the test. 1 mm upsloping ST depression in the "
            "inferior leads at peak, resolving in recovery. Physician supervised, interpreted "
            "and reported.\n\n"
            "IMPRESSION: Atherosclerotic heart disease of native coronary artery; test "
            "non-diagnostic for ischemia. Continue medical therapy."
        ),
        variants=(Variant({}, ("I25.10",), (Line("93015"),)),),
    ),
    Scenario(
        key="heart_failure",
        reason="Heart failure follow-up",
        practice="card",
        min_age=55,
        chronic=True,
        weight=2,
        note=(
            "CARDIOLOGY FOLLOW-UP: Heart failure.\n\n"
            "HPI: Chronic systolic heart failure (last EF 35%) due to hypertensive heart "
            "disease, on sacubitril/valsartan, carvedilol and spironolactone. Weight stable. "
            "Sleeps on one pillow. Denies orthopnea, leg swelling or chest pain. Mild dyspnea "
            "on climbing stairs (NYHA class II).\n\n"
            "{vitals}\n\n"
            "EXAM: JVP not elevated, regular rhythm, soft S3 absent, lungs clear, no edema.\n\n"
            "Transthoracic echocardiogram today, complete with spectral and color Doppler: "
            "EF 40%, mild mitral regurgitation.\n\n"
            "ASSESSMENT/PLAN:\n"
            "1. Hypertensive heart disease with heart failure.\n"
            "2. Chronic systolic heart failure - EF improving; continue guideline therapy.\n"
            "Labs in 1 week. Return in 3 months."
        ),
        variants=(
            Variant(
                {},
                ("I11.0", "I50.22"),
                (Line("99214", ("25",), pointers=(1, 2)), Line("93306", pointers=(2,))),
            ),
        ),
    ),
    Scenario(
        key="palpitations",
        reason="New patient: palpitations",
        practice="card",
        min_age=25,
        max_age=75,
        weight=2,
        note=(
            "NEW PATIENT: Palpitations.\n\n"
            "{age}-year-old {man} with episodes of a racing or fluttering heartbeat, several "
            "times a week, lasting seconds to minutes. Denies syncope, chest pain or shortness "
            "of breath. Drinks 3 cups of coffee daily. No thyroid disease known.\n\n"
            "{vitals}\n\n"
            "EXAM: Regular rhythm, no murmur.\n\n"
            "ECG in office, interpreted by me: sinus rhythm with occasional premature atrial "
            "complexes.\n\n"
            "ASSESSMENT/PLAN: Palpitations. 48-hour Holter monitor placed today, TSH ordered, "
            "cut back on caffeine. Low complexity decision-making."
        ),
        variants=(
            Variant(
                {},
                ("R00.2",),
                (Line("99203", ("25",)), Line("93000"), Line("93224")),
            ),
        ),
    ),
    Scenario(
        key="pacemaker_check",
        reason="Pacemaker check",
        practice="card",
        min_age=65,
        chronic=True,
        weight=1,
        note=(
            "DEVICE CLINIC: In-person interrogation and programming evaluation of a "
            "dual-chamber pacemaker implanted for sick sinus syndrome. Battery 8 years, lead "
            "impedances and thresholds stable, 12% atrial pacing. No arrhythmias recorded. "
            "Denies dizziness or fainting. No changes made."
        ),
        variants=(Variant({}, ("Z45.010", "I49.5"), (Line("93280", pointers=(1, 2)),)),),
    ),
    Scenario(
        key="aortic_stenosis",
        reason="Valve follow-up",
        practice="card",
        min_age=65,
        chronic=True,
        weight=1,
        note=(
            "CARDIOLOGY FOLLOW-UP: Aortic stenosis.\n\n"
            "Moderate aortic stenosis followed with yearly echo. Denies exertional chest pain, "
            "fainting or breathlessness; walks a mile daily.\n\n"
            "{vitals}\n\n"
            "EXAM: Harsh 3/6 crescendo-decrescendo systolic murmur at the right upper sternal "
            "border.\n\n"
            "Complete transthoracic echo with Doppler today: mean gradient 28 mmHg, valve "
            "area 1.2 cm2, EF 60%.\n\n"
            "ASSESSMENT/PLAN: Nonrheumatic aortic stenosis, moderate, stable. Repeat echo in "
            "one year; report symptoms right away."
        ),
        variants=(Variant({}, ("I35.0",), (Line("99213", ("25",)), Line("93306"))),),
    ),
)
