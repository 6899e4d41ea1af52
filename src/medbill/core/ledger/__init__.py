"""The ledger side of money in: balancing remittances and turning them into entries."""
