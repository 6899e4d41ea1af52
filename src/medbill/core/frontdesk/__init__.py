"""Front-desk rules: duplicate patients, intake paperwork, copays, self-pay estimates."""
