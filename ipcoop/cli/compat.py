"""The one place that touches a private part of Typer: the Click exception classes it
vendors (typer._click), which Typer does not re-export. tests/test_layers.py fails
loudly if an upgrade moves them."""

from __future__ import annotations

from typer._click.exceptions import NoArgsIsHelpError, UsageError

__all__ = ["NoArgsIsHelpError", "UsageError"]
