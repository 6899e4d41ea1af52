"""The ``medbill`` command line."""
