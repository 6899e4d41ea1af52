"""Framework-free rules of medbill. Nothing under this package imports Django."""
