"""Family medicine visits of the demo practice (note templates and answer keys)."""

from __future__ import annotations

from medbill.web.demo.scenario import Line, Scenario, Variant, sided

__all__ = ["FAMILY_MEDICINE"]

FAMILY_MEDICINE: tuple[Scenario, ...] = (
    Scenario(
        key="dm_ckd",
        reason="Diabetes and kidney follow-up",
        practice="fm",
        min_age=45,
        chronic=True,
        weight=3,
        note=(
            "CHIEF COMPLAINT: Three-month diabetes follow-up.\n\n"
            "HPI: {first} is {a_age}-year-old {man} with type 2 diabetes on basal insulin "
            "(glargine 24 units nightly) and metformin, hypertension, and chronic kidney disease "
            "stage 3a attributed to diabetic nephropathy. Home sugars run 130-180 fasting. "
            "{He} denies hypoglycemic episodes, chest pain, or foot ulcers. Reports mild "
            "nocturia. Last eGFR {egfr} mL/min, urine albumin/creatinine ratio elevated.\n\n"
            "ROS: Negative for vision changes, dysuria, leg swelling. No numbness in feet.\n\n"
            "{vitals}\n\n"
            "EXAM: Well appearing. Heart regular rate and rhythm, no murmur. Lungs clear. "
            "Feet: monofilament sensation intact bilaterally, pulses 2+, no lesions.\n\n"
            "POC A1c today {a1c}%.\n\n"
            "ASSESSMENT/PLAN:\n"
            "1. Type 2 diabetes mellitus with diabetic chronic kidney disease - A1c above goal; "
            "increase glargine to 26 units. Continue metformin at renal dose.\n"
            "2. Hypertensive chronic kidney disease, CKD stage 3a - BP at goal on lisinopril. "
            "BMP drawn today to recheck potassium and creatinine.\n"
            "3. Long-term insulin use - reviewed injection sites and sick-day rules.\n"
            "Return in 3 months."
        ),
        variants=(
            Variant(
                {},
                ("E11.22", "I12.9", "N18.31", "Z79.4"),
                (
                    Line("99214", pointers=(1, 2, 3, 4)),
                    Line("83036", ("QW",), pointers=(1,)),
                    Line("36415", pointers=(1, 3)),
                ),
            ),
        ),
    ),
    Scenario(
        key="htn_lipids",
        reason="Blood pressure and cholesterol check",
        practice="fm",
        min_age=35,
        chronic=True,
        weight=4,
        note=(
            "CHIEF COMPLAINT: Follow-up of blood pressure and cholesterol.\n\n"
            "HPI: {age}-year-old {man} with essential hypertension on amlodipine 5 mg and "
            "hyperlipidemia on atorvastatin 20 mg. Taking medications as prescribed, no side "
            "effects. Walking 20 minutes most days. Denies chest pain, shortness of breath, "
            "headaches or palpitations. Home BP readings average 130s/80s.\n\n"
            "SOCIAL: Former smoker, quit 10 years ago. Drinks 1-2 beers on weekends.\n\n"
            "{vitals}\n\n"
            "EXAM: No acute distress. Heart RRR without murmur. Lungs clear to auscultation. "
            "No peripheral edema.\n\n"
            "ASSESSMENT/PLAN:\n"
            "1. Essential hypertension - controlled. Continue amlodipine.\n"
            "2. Hyperlipidemia - fasting lipid panel and CMP drawn today. Continue statin.\n"
            "3. History of tobacco use - in remission, congratulated.\n"
            "Follow up in 6 months."
        ),
        variants=(
            Variant(
                {},
                ("I10", "E78.5", "Z87.891"),
                (Line("99213", pointers=(1, 2, 3)), Line("36415", pointers=(2,))),
            ),
        ),
    ),
    Scenario(
        key="uri",
        reason="Cold symptoms",
        practice="fm",
        min_age=2,
        weight=4,
        note=(
            "CHIEF COMPLAINT: Runny nose and sore throat for {days} days.\n\n"
            "HPI: {first} presents with nasal congestion, clear rhinorrhea, mild sore throat and "
            "a dry cough. Sick contacts at home. Denies fever, ear pain, or shortness of breath. "
            "No wheezing. Taking over-the-counter acetaminophen with some relief.\n\n"
            "{vitals}\n\n"
            "EXAM: Nasal mucosa swollen with clear discharge. Pharynx mildly red, no exudate, "
            "tonsils not enlarged. TMs clear bilaterally. No cervical lymphadenopathy. Lungs "
            "clear, no crackles.\n\n"
            "ASSESSMENT/PLAN: Acute viral upper respiratory infection. Supportive care, fluids, "
            "saline rinses, honey for cough. No antibiotics indicated. Return if fever develops "
            "or symptoms last beyond 10 days."
        ),
        variants=(Variant({}, ("J06.9",), (Line("99212"),)),),
    ),
    Scenario(
        key="strep",
        reason="Sore throat",
        practice="fm",
        min_age=4,
        max_age=45,
        weight=3,
        note=(
            "CHIEF COMPLAINT: Sore throat and fever.\n\n"
            "HPI: {first} reports {days} days of painful swallowing and fever to 101.8 at home. "
            "Denies cough or runny nose. No rash. No known strep exposure.\n\n"
            "{vitals}\n\n"
            "EXAM: Tonsils enlarged with white exudate, tender anterior cervical nodes. "
            "No uvular deviation. Lungs clear.\n\n"
            "Rapid strep antigen (CLIA-waived) in office: {strep_result}.\n\n"
            "ASSESSMENT/PLAN: {strep_assessment}"
        ),
        variants=(
            Variant(
                {
                    "strep_result": "POSITIVE",
                    "strep_assessment": "Streptococcal pharyngitis. Amoxicillin 500 mg twice "
                    "daily for 10 days. Off school/work until 24 hours on antibiotics.",
                },
                ("J02.0",),
                (Line("99213"), Line("87880", ("QW",))),
            ),
            Variant(
                {
                    "strep_result": "negative",
                    "strep_assessment": "Acute pharyngitis, likely viral; rapid strep "
                    "negative. Throat culture not sent in an adult. Salt water gargles, "
                    "ibuprofen as needed.",
                },
                ("J02.9",),
                (Line("99213"), Line("87880", ("QW",))),
            ),
        ),
    ),
    Scenario(
        key="ankle_sprain",
        reason="Ankle injury",
        practice="fm",
        min_age=12,
        max_age=70,
        weight=2,
        note=(
            "CHIEF COMPLAINT: {Side} ankle pain after twisting it.\n\n"
            "HPI: {first} rolled the {side} ankle {days} days ago stepping off a curb "
            "(inversion injury). Able to bear weight with a limp. Swelling on the outside of the "
            "ankle. Denies numbness or hearing a pop. No prior injury to this ankle.\n\n"
            "{vitals}\n\n"
            "EXAM: {Side} ankle: swelling and tenderness over the anterior talofibular ligament. "
            "No tenderness at the posterior edge or tip of either malleolus, no tenderness at "
            "the base of the fifth metatarsal or navicular. Ottawa ankle rules negative, so no "
            "x-ray. Neurovascularly intact.\n\n"
            "ASSESSMENT/PLAN: Sprain of the {side} ankle, initial encounter. Ankle strapped in "
            "the office. Rest, ice, compression, elevation; ibuprofen. Recheck in 2 weeks if not "
            "improving."
        ),
        variants=sided(
            "side",
            {"right": ("S93.401A",), "left": ("S93.402A",)},
            {
                "right": (Line("99213", ("25",)), Line("29540", ("RT",))),
                "left": (Line("99213", ("25",)), Line("29540", ("LT",))),
            },
        ),
    ),
    Scenario(
        key="wrist_sprain",
        reason="Wrist injury",
        practice="fm",
        min_age=10,
        max_age=75,
        weight=1,
        note=(
            "CHIEF COMPLAINT: {Side} wrist pain after a fall.\n\n"
            "HPI: Fell onto an outstretched {side} hand while skating {days} days ago. Pain "
            "with gripping. Denies numbness, tingling or a visible deformity.\n\n"
            "{vitals}\n\n"
            "EXAM: Mild swelling of the dorsal {side} wrist, no snuffbox tenderness, full but "
            "painful range of motion. Radial pulse intact, sensation intact.\n\n"
            "ASSESSMENT/PLAN: Sprain of the {side} wrist, initial encounter. No scaphoid "
            "tenderness, imaging deferred. Wrist brace, ice, NSAIDs. Return if not better in "
            "10 days for x-ray."
        ),
        variants=sided(
            "side",
            {"right": ("S63.501A",), "left": ("S63.502A",)},
            {"right": (Line("99213"),), "left": (Line("99213"),)},
        ),
    ),
    Scenario(
        key="well_child",
        reason="Well child visit",
        practice="fm",
        min_age=4,
        max_age=6,
        weight=2,
        note=(
            "WELL CHILD VISIT, age {age}.\n\n"
            "{first} is here with {his} parent for a routine check before kindergarten. Eating "
            "a varied diet, sleeping 10 hours. Meeting developmental milestones: hops on one "
            "foot, draws a person, speaks in full sentences. No concerns from the parent. "
            "Denies snoring. No ER visits this year.\n\n"
            "FAMILY HISTORY: Mother with asthma. No family history of early heart disease.\n\n"
            "{vitals} Hearing and vision screens passed.\n\n"
            "EXAM: Normal growth along the 50th percentile. Normal heart and lung exam, "
            "abdomen soft, normal genitalia, spine straight.\n\n"
            "IMMUNIZATIONS: Counseled parent on each vaccine, risks and benefits; VIS given. "
            "Administered DTaP, IPV, MMR and varicella (intramuscular and subcutaneous).\n\n"
            "ASSESSMENT/PLAN: Routine child health exam, normal findings. Immunizations up to "
            "date after today. Anticipatory guidance: booster seat, water safety, screen time."
        ),
        variants=(
            Variant(
                {},
                ("Z00.129", "Z23"),
                (
                    Line("@preventive", pointers=(1,)),
                    Line("90700", pointers=(2,)),
                    Line("90713", pointers=(2,)),
                    Line("90707", pointers=(2,)),
                    Line("90716", pointers=(2,)),
                    Line("90460", units=4, pointers=(2,)),
                    Line("90461", units=4, pointers=(2,)),
                ),
            ),
        ),
    ),
    Scenario(
        key="teen_physical",
        reason="Sports physical and vaccines",
        practice="fm",
        min_age=12,
        max_age=17,
        weight=1,
        note=(
            "ADOLESCENT WELL VISIT, age {age}.\n\n"
            "{first} plays soccer and needs a yearly physical. Feels well. Denies chest pain "
            "or fainting with exercise, no family history of sudden cardiac death. Denies "
            "tobacco, vaping or alcohol (interviewed alone).\n\n"
            "{vitals}\n\n"
            "EXAM: Normal. No murmur supine or standing. Full range of motion of all joints.\n\n"
            "IMMUNIZATIONS: Tdap and first HPV dose given after counseling with parent.\n\n"
            "ASSESSMENT/PLAN: Routine child health exam without abnormal findings. Cleared for "
            "sports. Second HPV dose in 6-12 months."
        ),
        variants=(
            Variant(
                {},
                ("Z00.129", "Z23"),
                (
                    Line("@preventive", pointers=(1,)),
                    Line("90715", pointers=(2,)),
                    Line("90651", pointers=(2,)),
                    Line("90460", units=2, pointers=(2,)),
                    Line("90461", units=2, pointers=(2,)),
                ),
            ),
        ),
    ),
    Scenario(
        key="flu_shot",
        reason="Flu shot",
        practice="fm",
        min_age=9,
        weight=4,
        note=(
            "NURSE VISIT: Seasonal influenza vaccine.\n\n"
            "{first} requests this season's flu shot. No egg allergy, no prior reaction to "
            "vaccines, denies fever today. VIS given. Quadrivalent preservative-free influenza "
            "vaccine 0.5 mL IM in the {side} deltoid, lot recorded. Observed 15 minutes without "
            "reaction."
        ),
        variants=(
            Variant(
                {"side": "left"},
                ("Z23",),
                (Line("90686"), Line("@flu_admin")),
            ),
            Variant(
                {"side": "right"},
                ("Z23",),
                (Line("90686"), Line("@flu_admin")),
            ),
        ),
    ),
    Scenario(
        key="pneumo_shot",
        reason="Pneumonia vaccine",
        practice="fm",
        min_age=65,
        weight=1,
        note=(
            "NURSE VISIT: Pneumococcal vaccine.\n\n"
            "{age}-year-old due for pneumococcal vaccination per standing order. No prior "
            "pneumococcal vaccine on record. Denies fever. PPSV23 0.5 mL IM in the left deltoid. "
            "No immediate reaction."
        ),
        variants=(Variant({}, ("Z23",), (Line("90732"), Line("@pneumo_admin"))),),
    ),
    Scenario(
        key="adult_physical",
        reason="Yearly physical",
        practice="fm",
        min_age=40,
        max_age=64,
        weight=2,
        note=(
            "ANNUAL PHYSICAL.\n\n"
            "{first} is {a_age}-year-old {man} here for a yearly exam. Feels well. Denies chest "
            "pain, shortness of breath, change in bowel habits or rectal bleeding. No weight "
            "loss.\n\n"
            "FAMILY HISTORY: Mother diagnosed with colon cancer at 58. Father with "
            "hypertension.\n\n"
            "SOCIAL: Never smoker. Works as an accountant.\n\n"
            "{vitals}\n\n"
            "EXAM: Normal general exam. Heart and lungs normal. Abdomen benign.\n\n"
            "ASSESSMENT/PLAN: General adult medical exam without abnormal findings. Given the "
            "family history of colon cancer in a first-degree relative, referred for "
            "colonoscopy now. Screening labs (lipids, glucose) drawn today."
        ),
        variants=(
            Variant(
                {},
                ("Z00.00", "Z80.0"),
                (Line("@preventive", pointers=(1, 2)), Line("36415", pointers=(1,))),
            ),
        ),
    ),
    Scenario(
        key="medicare_awv",
        reason="Medicare wellness visit",
        practice="fm",
        min_age=66,
        weight=2,
        note=(
            "MEDICARE ANNUAL WELLNESS VISIT (subsequent).\n\n"
            "Health risk assessment reviewed with {first}. Lives with spouse, independent in "
            "all activities of daily living. One fall last year without injury. Hearing "
            "adequate. Advance directive on file.\n\n"
            "PHQ-2 and PHQ-9 depression screening performed: score 2, negative. Denies "
            "thoughts of self-harm. Cognitive screen (Mini-Cog) normal.\n\n"
            "{vitals}\n\n"
            "PLAN: Updated screening schedule given in writing: colonoscopy due next year, "
            "bone density due. Encouraged balance exercises."
        ),
        variants=(
            Variant(
                {},
                ("Z00.00", "Z13.31"),
                (Line("G0439", pointers=(1,)), Line("G0444", pointers=(2,))),
            ),
        ),
    ),
    Scenario(
        key="chest_pain_fm",
        reason="Chest pain",
        practice="fm",
        min_age=35,
        max_age=80,
        weight=2,
        note=(
            "CHIEF COMPLAINT: Chest discomfort.\n\n"
            "HPI: {age}-year-old {man} with intermittent sharp left-sided chest pain for "
            "{days} days, worse with pressing on the chest wall and twisting, lasting minutes. "
            "Denies shortness of breath, diaphoresis, nausea or radiation to the arm or jaw. "
            "Not exertional. No cough or fever.\n\n"
            "FAMILY HISTORY: Father had a heart attack at 52.\n\n"
            "{vitals}\n\n"
            "EXAM: Reproducible tenderness at the left 4th costochondral junction. Heart RRR, "
            "no murmur, rub or gallop. Lungs clear.\n\n"
            "12-lead ECG in office, interpreted by me: normal sinus rhythm, rate {hr}, normal "
            "axis, no ST or T wave changes.\n\n"
            "ASSESSMENT/PLAN: Atypical (chest wall) chest pain; ECG normal. Given family history "
            "of premature coronary disease, referred to cardiology for stress testing. NSAIDs "
            "and heat. ER precautions reviewed."
        ),
        variants=(
            Variant(
                {},
                ("R07.89", "Z82.49"),
                (Line("99214", pointers=(1, 2)), Line("93000", pointers=(1,))),
            ),
        ),
    ),
    Scenario(
        key="back_pain_injection",
        reason="Low back pain",
        practice="fm",
        min_age=20,
        max_age=75,
        weight=2,
        note=(
            "CHIEF COMPLAINT: Low back pain.\n\n"
            "HPI: Acute low back pain for {days} days after lifting boxes. Pain is in the lower "
            "back without radiation. Denies leg weakness, numbness, bowel or bladder changes, "
            "fever or weight loss.\n\n"
            "{vitals}\n\n"
            "EXAM: Paraspinal muscle spasm and tenderness in the lumbar area. Straight leg raise "
            "negative bilaterally. Strength and reflexes normal.\n\n"
            "ASSESSMENT/PLAN: Low back pain, mechanical, no red flags. Ketorolac 30 mg IM given "
            "in the office. Heat, gentle stretching, return to activity as tolerated."
        ),
        variants=(
            Variant(
                {},
                ("M54.50",),
                (Line("99213", ("25",)), Line("96372"), Line("J1885", units=2)),
            ),
        ),
    ),
    Scenario(
        key="knee_oa_injection",
        reason="Knee pain",
        practice="fm",
        min_age=50,
        weight=2,
        chronic=True,
        note=(
            "PROCEDURE NOTE: {Side} knee steroid injection.\n\n"
            "{first} has primary osteoarthritis of the {side} knee with worsening pain over "
            "months, limited relief from acetaminophen. No prior injection in 3 months. "
            "Denies fever or redness of the joint.\n\n"
            "After consent and sterile prep, the {side} knee was injected through a lateral "
            "approach with triamcinolone 40 mg and 3 mL lidocaine, without ultrasound guidance. "
            "Tolerated well, no complications.\n\n"
            "ASSESSMENT: Unilateral primary osteoarthritis, {side} knee."
        ),
        variants=sided(
            "side",
            {"right": ("M17.11",), "left": ("M17.12",)},
            {
                "right": (Line("20610", ("RT",)), Line("J3301", units=4)),
                "left": (Line("20610", ("LT",)), Line("J3301", units=4)),
            },
        ),
    ),
    Scenario(
        key="abscess",
        reason="Painful lump on the leg",
        practice="fm",
        min_age=16,
        max_age=70,
        weight=1,
        note=(
            "PROCEDURE NOTE: Incision and drainage.\n\n"
            "{days}-day history of a painful swollen lump on the {side} thigh. Denies fever or "
            "chills. No diabetes.\n\n"
            "EXAM: 2 cm fluctuant abscess of the {side} thigh with surrounding erythema.\n\n"
            "PROCEDURE: Local lidocaine, single incision, purulent material drained, loculations "
            "broken up, packed with gauze. Simple procedure, no complications.\n\n"
            "ASSESSMENT/PLAN: Cutaneous abscess of the {side} lower limb. Warm compresses, "
            "packing removal in 2 days."
        ),
        variants=sided(
            "side",
            {"right": ("L02.415",), "left": ("L02.416",)},
            {"right": (Line("10060"),), "left": (Line("10060"),)},
        ),
    ),
    Scenario(
        key="hand_laceration",
        reason="Cut on the hand",
        practice="fm",
        min_age=10,
        max_age=80,
        weight=1,
        note=(
            "PROCEDURE NOTE: Laceration repair.\n\n"
            "Cut the palm of the {side} hand on a kitchen knife about an hour ago. No numbness, "
            "able to move all fingers. Last tetanus shot more than 10 years ago.\n\n"
            "EXAM: 4 cm linear laceration of the {side} palm, no foreign body, tendons intact "
            "with full flexion and extension, sensation normal.\n\n"
            "PROCEDURE: Irrigated, single-layer simple closure with 6 nylon sutures, total "
            "length 4 cm. Tdap given IM after counseling.\n\n"
            "ASSESSMENT/PLAN: Laceration without foreign body of the {side} hand, initial "
            "encounter. Suture removal in 10 days."
        ),
        variants=sided(
            "side",
            {"right": ("S61.411A", "Z23"), "left": ("S61.412A", "Z23")},
            {
                "right": (
                    Line("12002"),
                    Line("90715", pointers=(2,)),
                    Line("90471", pointers=(2,)),
                ),
                "left": (Line("12002"), Line("90715", pointers=(2,)), Line("90471", pointers=(2,))),
            },
        ),
    ),
    Scenario(
        key="cerumen",
        reason="Blocked ear",
        practice="fm",
        min_age=30,
        weight=1,
        note=(
            "CHIEF COMPLAINT: {Side} ear feels plugged.\n\n"
            "Muffled hearing in the {side} ear for a week. Denies ear pain, drainage or "
            "dizziness.\n\n"
            "EXAM: {Side} canal completely occluded by hard impacted cerumen; TM not visible.\n\n"
            "PROCEDURE: Impacted cerumen removed from the {side} ear by the physician with a "
            "curette under direct view. TM intact afterwards, hearing improved.\n\n"
            "ASSESSMENT: Impacted cerumen, {side} ear."
        ),
        variants=sided(
            "side",
            {"right": ("H61.21",), "left": ("H61.22",)},
            {"right": (Line("69210", ("RT",)),), "left": (Line("69210", ("LT",)),)},
        ),
    ),
    Scenario(
        key="warts",
        reason="Warts",
        practice="fm",
        min_age=6,
        max_age=60,
        weight=1,
        note=(
            "PROCEDURE NOTE: Three common warts on the fingers, present for months, not "
            "responding to over-the-counter salicylic acid. Treated with liquid nitrogen "
            "cryotherapy, two freeze-thaw cycles each, 3 lesions total.\n\n"
            "ASSESSMENT: Other viral warts. Repeat in 3 weeks if needed."
        ),
        variants=(Variant({}, ("B07.8",), (Line("17110"),)),),
    ),
    Scenario(
        key="uti",
        reason="Burning with urination",
        practice="fm",
        min_age=18,
        max_age=75,
        sex="F",
        weight=2,
        note=(
            "CHIEF COMPLAINT: Painful urination.\n\n"
            "HPI: {days} days of dysuria, frequency and urgency. Denies fever, flank pain, "
            "vaginal discharge or blood in the urine. Not pregnant.\n\n"
            "{vitals}\n\n"
            "EXAM: Mild suprapubic tenderness, no CVA tenderness.\n\n"
            "Urine dipstick (non-automated, without microscopy): positive leukocyte esterase "
            "and nitrite.\n\n"
            "ASSESSMENT/PLAN: Urinary tract infection. Nitrofurantoin 100 mg twice daily for 5 "
            "days, fluids. Call if fever or back pain."
        ),
        variants=(Variant({}, ("N39.0",), (Line("99213"), Line("81002"))),),
    ),
    Scenario(
        key="copd",
        reason="Worse breathing",
        practice="fm",
        min_age=50,
        weight=1,
        note=(
            "CHIEF COMPLAINT: Increased shortness of breath.\n\n"
            "HPI: {age}-year-old with COPD and ongoing cigarette smoking (1 pack per day) with "
            "3 days of more cough, green sputum and wheezing. Denies chest pain or fever.\n\n"
            "{vitals}\n\n"
            "EXAM: Diffuse expiratory wheezes, prolonged expiration, no accessory muscle use.\n\n"
            "Albuterol/ipratropium nebulizer treatment given in the office with improved air "
            "movement afterwards.\n\n"
            "ASSESSMENT/PLAN:\n"
            "1. COPD with acute exacerbation - prednisone 40 mg for 5 days, doxycycline.\n"
            "2. Nicotine dependence, cigarettes - 5 minutes of stop-smoking counseling; "
            "started nicotine patch."
        ),
        variants=(
            Variant(
                {},
                ("J44.1", "F17.210"),
                (
                    Line("99214", ("25",), pointers=(1, 2)),
                    Line("94640", pointers=(1,)),
                    Line("99406", pointers=(2,)),
                ),
            ),
        ),
    ),
    Scenario(
        key="otitis",
        reason="Ear pain",
        practice="fm",
        min_age=1,
        max_age=10,
        weight=2,
        note=(
            "CHIEF COMPLAINT: {Side} ear pain and fever.\n\n"
            "HPI: {first} has had ear pain on the {side} for {days} days after a cold, tugging "
            "at the ear, fever to 102. Denies vomiting. Drinking well.\n\n"
            "{vitals}\n\n"
            "EXAM: {Side} TM red and bulging with no light reflex; other TM normal.\n\n"
            "ASSESSMENT/PLAN: Acute otitis media, {side} ear. Amoxicillin weight-based dosing "
            "for 10 days, ibuprofen for pain."
        ),
        variants=sided(
            "side",
            {"right": ("H66.91",), "left": ("H66.92",)},
            {"right": (Line("99213"),), "left": (Line("99213"),)},
        ),
    ),
    Scenario(
        key="depression",
        reason="Mood follow-up",
        practice="fm",
        min_age=18,
        max_age=80,
        chronic=True,
        weight=1,
        note=(
            "CHIEF COMPLAINT: Follow-up of depression.\n\n"
            "Started sertraline 50 mg 6 weeks ago. Sleeping better, energy improving. Denies "
            "suicidal thoughts. PHQ-9 today 8 (was 15).\n\n"
            "{vitals}\n\n"
            "ASSESSMENT/PLAN: Depression, improving on sertraline; continue current dose, "
            "continue counseling. Recheck in 2 months."
        ),
        variants=(Variant({}, ("F32.A",), (Line("99214"), Line("96127"))),),
    ),
    Scenario(
        key="b12",
        reason="Vitamin B12 shot",
        practice="fm",
        min_age=40,
        weight=1,
        chronic=True,
        note=(
            "NURSE VISIT: Monthly vitamin B12 injection for documented B12 deficiency. "
            "Cyanocobalamin 1000 mcg IM in the {side} deltoid. Denies numbness or fatigue "
            "today. No reaction."
        ),
        variants=(
            Variant({"side": "left"}, ("E53.8",), (Line("96372"), Line("J3420"))),
            Variant({"side": "right"}, ("E53.8",), (Line("96372"), Line("J3420"))),
        ),
    ),
)
