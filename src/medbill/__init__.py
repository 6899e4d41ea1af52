"""medbill: medical billing and coding, from the front desk to the paid claim."""

__version__ = "0.1.0"
