"""The release: the press release paragraphs and the annex, for people to paste."""

from __future__ import annotations

from typing import Annotated

import typer

from ipcoop.base.errors import IpcoopError
from ipcoop.base.i18n import tr
from ipcoop.cli.context import reading
from ipcoop.cli.options import OutputOpt, complete_programme
from ipcoop.cli.output import choose_format, emit, say

RELEASE_FORMATS = ("txt", "md", "html", "docx")


def release(
    ctx: typer.Context,
    key: Annotated[
        str,
        typer.Argument(
            metavar="KEY",
            help="The programme's key, e.g. 2020.",
            autocompletion=complete_programme,
        ),
    ],
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            metavar="LANG",
            help="en, zh-hk, zh-cn, or all (the three, one after another); default: "
            "IPCOOP_LANG, else the locale, else en.",
            autocompletion=lambda incomplete: [
                t for t in ("en", "zh-hk", "zh-cn", "all") if t.startswith(incomplete)
            ],
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="txt (to paste), md, html (a printable page) or docx (Word); default: what "
            "the --output file's name says, else txt.",
            autocompletion=lambda incomplete: [
                f for f in RELEASE_FORMATS if f.startswith(incomplete)
            ],
        ),
    ] = None,
    output: OutputOpt = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Write nothing; list what to look at before publishing (values in "
            "conflict, missing or unchecked Chinese titles, projects added after "
            "endorsement); exit 1 if there is anything.",
        ),
    ] = False,
) -> None:
    """The press release of a programme and its annex, in the group's words.

    The new programme (endorsed on, its areas, its key projects), the previous
    programme in one figure, then the annex: the items under their area headings.
    Dropped items are left out; public text carries no percentages.

    Before publishing: ipcoop release 2020 --lang all --check
    Example: ipcoop release 2020 --lang all --format docx --output release-2020.docx
    """
    from ipcoop.base import models
    from ipcoop.core import languages, programmes
    from ipcoop.reports import document, release

    fmt = choose_format(fmt, output, RELEASE_FORMATS, "txt")
    if lang is not None and lang.strip().lower() == "all":
        langs = list(models.LANGS)
    elif lang is not None:
        try:
            langs = [languages.parse_lang(lang)]
        except IpcoopError:
            raise IpcoopError(
                tr("--lang must be one of en, zh-hk, zh-cn, all, not {lang!r}").format(lang=lang)
            ) from None
    else:
        langs = [languages.default_lang()]
    db = reading(ctx)
    programme = programmes.get(db, key)
    blocks = release.all_blocks(db, programme["key"], langs)
    title = blocks[1].text
    from ipcoop.core import wordings
    from ipcoop.core.review import findings

    found = findings(db, programme, langs) + wordings.findings(db, programme, langs)
    if check:
        if found:
            emit("\n".join(found) + "\n")
            raise IpcoopError(
                tr("{count} thing(s) to look at before publishing (listed above)").format(
                    count=len(found)
                )
            )
        say(
            tr("Nothing to look at in programme {key} ({items}).").format(
                key=programme["key"], items=", ".join(langs)
            )
        )
        return
    from ipcoop.core.conflicts import warning

    unsettled = warning(db, programme=programme["key"])
    if unsettled:
        say(tr("Warning: {message}").format(message=unsettled))
    if len(found) > bool(unsettled):
        say(
            tr(
                "Note: {count} thing(s) to look at before publishing; 'ipcoop release "
                "{key} --lang {value} --check' lists them"
            ).format(count=len(found), key=programme["key"], value=lang or langs[0])
        )
    if not programme.get("endorsed"):
        say(
            tr(
                "Note: programme {key} is not endorsed yet, so the release says it was "
                "drawn up; 'ipcoop programme endorse {key} --on DATE' records it."
            ).format(key=programme["key"])
        )
    if fmt == "txt":
        emit(document.to_text(blocks), output)
    elif fmt == "md":
        emit(document.to_markdown(blocks), output)
    elif fmt == "html":
        emit(document.to_html(blocks, title, langs[0]), output)
    else:
        from ipcoop.reports import wordfile

        emit(wordfile.to_docx(blocks, title), output)
