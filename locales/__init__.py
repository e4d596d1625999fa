"""The gettext catalogs (data, not code): `<locale>/LC_MESSAGES/<domain>.po`, compiled to `.mo`
by `civicbot catalogs compile` and when the wheel is built (setup.py). Found by bot.config."""
