"""civicbot: the core (app wiring, config, neutral message types, router, i18n, delivery, CLI)."""
