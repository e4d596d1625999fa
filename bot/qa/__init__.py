"""Question answering: the one code path of the chat and `civicbot ask` (`service`), choosing
the answer's sentences and deciding whether to answer at all (`answering`), and the language
side: normalisation and language detection (`textnorm`), the on-disk lemmatiser tables
(`lexicon`), question words by answer kind (`interrogatives`), the multilingual glossary
(`glossary`) and the region's cities in every spelling (`places`). Importing documents is
the content capability's (`bot.content.importer`)."""
