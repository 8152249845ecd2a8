"""The terminal screen (`ipcoop tui`): a second front end, beside the command line.

app      the screen: the table, the detail pane, the keys, the watch on the file
pages    what its parts say, as Rich text (no symbol of ambiguous width in a cell)
screens  its dialogs and views: a question, yes-or-no, the project form, a page, a list
views    the views beyond the table: programmes, conflicts, the summary, a sync
actions  each change through the core function its command uses, journalled alike
model    what is shown, made without Textual: the filter line, the programme's rows

May import: ipcoop.core, ipcoop.reports and ipcoop.base, and Textual (loaded only
here, when the screen opens). Must never import ipcoop.store or ipcoop.sync (a sync
runs as its own `ipcoop sync` process), nor the command line; only the command line's
`tui` command imports it.
"""
