"""The HTTP API (django-ninja): one router module per area, mounted in ``api.py``."""
