"""Claims, their lines, and the ledger: the biller's work."""
