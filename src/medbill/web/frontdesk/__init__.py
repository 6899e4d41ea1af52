"""Patients, coverages, guarantors, visits and clinical notes: the front desk's work."""
