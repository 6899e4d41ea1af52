"""Diagnoses and service lines of visits: the coder's work."""
