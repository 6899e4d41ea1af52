"""Network adapters: the places where medbill talks to payers and clearinghouses.

Everything here wraps a sans-IO core module with real I/O (HTTP, SFTP).
"""
