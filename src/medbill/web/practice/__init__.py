"""Organizations, practices, providers, payers, fee schedules, users, roles, tenancy and audit."""
