"""Translation: the gettext catalogs and the translator a reader gets (`translator`), the
catalog workflow of `civicbot catalogs` (`catalogs`), and the scripts of the languages
(`scripts`: Serbian Cyrillic and Latin both ways, folding to ASCII for matching)."""
