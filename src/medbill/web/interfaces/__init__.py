"""Interfaces with a practice's EHR: HL7 v2 messages in, their log, and the queue of
messages held for a biller to fix and replay."""
