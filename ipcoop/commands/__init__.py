"""The commands, one module per group: importing ipcoop.cli registers them all.

projects: list, show, add, edit, start, done, reopen, drop, remove
history: undo, log
programme: summary, carry, members, areas
data: init, export, import, check
"""
