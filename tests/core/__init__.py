"""The rules: figures, summaries, programmes, members, progress notes, the three
languages, import and export."""
