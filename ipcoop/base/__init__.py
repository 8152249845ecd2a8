"""The base: what every layer shares, and nothing that decides anything.

errors    the kinds of error, and the exit code each one means
records   the typed shape of a project, for readers and type checkers
models    the project's fields and the checks of each value a user may give
progress  a project's dated progress notes and links: their checks and limits
words     the vocabulary of the three languages: labels, years, periods, dates
dates     dates as people type them (day first), and the day or span of an event
wording   a programme's statement and a project's phrase: the release's words, by language
bundled   the programme that ships with ipcoop (data/*.json)
safe      text a person typed, made safe to show on a terminal
i18n      the interface's language: every message a person reads, through gettext

May import: nothing of ipcoop's, only the standard library. Everything else may
import it: store, sync, core, reports and the front ends.
"""
