"""The commands, one module per group; ipcoop.cli.registry says which holds which.

projects: list, show, add, edit
status: start, done, reopen, drop, remove
history: undo, log
programme: summary, carry, members, areas
programmes: programme add|edit|endorse|list|show
data: init, export, import, check
sharing: sync, conflicts
screen: tui (the terminal screen, in ipcoop.tui)
"""
