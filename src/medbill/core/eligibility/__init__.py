"""Eligibility and benefits: CAQH CORE envelopes and the payer's side of a 270."""
