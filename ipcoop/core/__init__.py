"""The core: the rules of the tracker, shared by every front end.

database     the database as a front end opens it: first use, reading, one change
tracker      projects: add, change, move through their statuses, remove
programmes   the group's programmes: their years, endorsement, extension
areas        areas of co-operation          members   the agencies on both sides
periods      the years a report covers, carry    summary   the year-end figures
listing      filters and sort orders        history   the journal, told as changes
languages    English and both Chinese scripts: conversion, picking a form
transfer     import and export              interchange  JSON records and CSV rows
importplan   what an import would change, and whether this copy may take it
workbook     an Excel workbook read for import (python-calamine, loaded only there)
conflicts    values both sides set differently, and settling them
duplicates   projects that look alike       review    what a release must not hide
wordings     what to look at in the release's wording (phrases, statement)

The core never prints and never imports Typer or Rich: it returns data and
raises `IpcoopError`s, and a front end says what they mean.

May import: ipcoop.store and ipcoop.base. Must never import ipcoop.reports,
ipcoop.sync or a front end (ipcoop.cli); the reports and front ends import it.
"""
