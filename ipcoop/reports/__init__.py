"""The reports: everything that turns the core's data into something to read.

render       JSON for scripts, and what every text table needs (colour, wrapping)
cells        how many terminal cells a text takes (wide Chinese characters)
tables       the project table: terminal and Markdown
views        the small views: one project, areas, members, the log
report       the year-end summary in a terminal, as Markdown and as JSON
sentences    the summary's headline, in each language's own wording
chart        the summary's bar chart (SVG)
document     a document as blocks, written as Markdown or HTML
wordfile     a document written as Word (python-docx, loaded only here)
summary_doc  the summary as an HTML page, a Word file, and its chart
release      the press release and its annex
prose        the release's paragraphs that word the projects: key projects, enforcement,
             the look back at the previous programme area by area
workbook     the projects as an Excel workbook to edit, the summary as a sheet
             (XlsxWriter, loaded only here)
calendar     the dated projects as an iCalendar file (RFC 5545) for Outlook and the like

May import: ipcoop.core and ipcoop.base. Must never import ipcoop.store or
ipcoop.sync (a report reads what the core hands it), nor a front end; only the
front ends import it.
"""
