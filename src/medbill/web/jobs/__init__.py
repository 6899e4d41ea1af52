"""Recurring work: nightly eligibility, statement cycles, picking up partners' responses,
claim status inquiries and code-set reminders, run by Celery beat and shown to managers."""
