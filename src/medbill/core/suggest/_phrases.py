"""How clinicians write common diagnoses, where the tabular's own wording differs.

Our own phrase list (ICD-10-CM code numbers are public): each row is ``(phrase, code, source)``.
Codes that a release does not hold as billable are skipped when the dictionary is built.
"""

from __future__ import annotations

__all__ = ["EXTRA_TERMS"]

_ROWS = """
high blood pressure|I10
arterial hypertension|I10
hypertension|I10
type 2 diabetes|E119
diabetes mellitus|E119
diabetes|E119
type 1 diabetes|E109
chest pain|R079
shortness of breath|R0602
dyspnea|R0600
heart attack|I219
myocardial infarction|I219
stroke|I639
cerebrovascular accident|I639
urinary tract infection|N390
kidney stone|N200
pneumonia|J189
asthma|J45909
atrial fibrillation|I4891
hyperlipidemia|E785
high cholesterol|E7800
dyslipidemia|E785
obesity|E669
morbid obesity|E6601
depression|F329
anxiety|F419
gastroesophageal reflux|K219
reflux|K219
hypothyroidism|E039
chronic kidney disease|N189
kidney failure|N19
acute kidney injury|N179
heart failure|I509
congestive heart failure|I509
smoker|F17210
smoking|F17210
tobacco use|Z720
alcoholism|F1020
sinusitis|J329
otitis media|H6690
pharyngitis|J029
sore throat|J029
strep throat|J020
influenza|J111
flu|J111
upper respiratory infection|J069
common cold|J00
covid|U071
dizziness|R42
vertigo|R42
fatigue|R5383
nausea|R110
vomiting|R1110
nausea and vomiting|R112
diarrhea|R197
constipation|K5900
abdominal pain|R109
rash|R21
edema|R609
syncope|R55
palpitation|R002
anemia|D649
headache|R519
migraine|G43909
back pain|M549
low back pain|M5450
neck pain|M542
cough|R059
fever|R509
weight loss|R634
jaundice|R17
hematuria|R319
dysuria|R300
seizure|R569
epilepsy|G40909
dementia|F0390
insomnia|G4700
cellulitis|L0390
sepsis|A419
septic shock|R6521
hepatitis c|B1920
hiv|B20
hiv infection|B20
osteoporosis|M810
gout|M109
tuberculosis|A159
pulmonary embolism|I2699
deep vein thrombosis|I82409
"""

EXTRA_TERMS: tuple[tuple[str, str, str], ...] = tuple(
    (phrase.strip(), code.strip(), "phrase")
    for line in _ROWS.strip().splitlines()
    for phrase, code in [line.split("|")]
)
