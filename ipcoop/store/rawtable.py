"""A large table kept as its raw lines until a command needs all of it.

`show` reads one project line of a 50,000-project file; `add` and `done`
splice their changed lines into the old bytes. The bytes written are exactly
what a full rewrite would write (a test checks it), so the file stays
deterministic. Only used when the whole file is known to be of our own
layout (see `loader.load`).

The lines are never copied out of the file's bytes: the table is a window
(start, end) on them, searched in place, and written back as views.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ipcoop.store.layout import doc_line, parse_span, sort_key, table_body

_LINE_KEY = re.compile(rb'\n "([^"]*)": ')


class RawTable:
    """One table: raw lines plus this command's edits, or (once loaded) a plain dict."""

    def __init__(
        self,
        name: str,
        raw: bytes | None = None,
        start: int = 0,
        end: int | None = None,
        table: dict[str, Any] | None = None,
        kept: Any = None,
    ) -> None:
        self.name = name
        self.kept = kept  # the parsed table kept in the cache (cache.KeptRows), if any
        self._raw = raw
        self._start = start
        self._end = len(raw) if raw is not None and end is None else (end or 0)
        self._table = table if raw is None else None
        if self._raw is None and self._table is None:
            self._table = {}
        self._edits: dict[str, dict[str, Any] | None] = {}
        self._parsed: dict[str, dict[str, Any]] = {}
        self.originals: dict[str, dict[str, Any] | None] = {}  # before this command
        self._last: Any = ...  # sort key of the last line, found on first need

    @property
    def raw(self) -> bool:
        return self._raw is not None

    @property
    def edits(self) -> dict[str, dict[str, Any] | None]:
        return self._edits

    def mentions(self, needle: bytes) -> bool:
        """Whether any record may hold `needle` (its JSON text), without parsing: a
        command that looks for something rare (a conflict) skips the table at once."""
        if self._raw is not None and not self._edits:
            return self._raw.find(needle, self._start, self._end) != -1
        import json

        text = needle.decode()
        return any(text in json.dumps(doc, ensure_ascii=False) for doc in self.load().values())

    def load(self) -> dict[str, Any]:
        """The whole table as a dict (parsing the raw lines, applying edits)."""
        if self._raw is not None:
            table = self.kept.read() if self.kept is not None else None
            if table is None:
                table = parse_span(self._raw, self._start, self._end)
                if self.kept is not None and not self._edits:
                    self.kept.keep(table)  # before anything changes it
            for key, doc in self._edits.items():
                if doc is None:
                    table.pop(key, None)
                else:
                    table[key] = doc
            self._table = table
            self._raw = None
            self._edits, self._parsed, self.originals = {}, {}, {}
        assert self._table is not None
        return self._table

    def _last_key(self) -> Any:
        """Sort key of the table's last line (None when empty)."""
        if self._last is ...:
            assert self._raw is not None
            at = self._raw.rfind(b'\n "', self._start, self._end)
            if at < 0:
                self._last = None
            else:
                key = self._raw[at + 3 : self._raw.find(b'"', at + 3)].decode()
                self._last = sort_key(self.name, key)
        return self._last

    def _span(self, key: str, start: int | None = None) -> tuple[int, int] | None:
        """Where key's line is: from its newline to the next one (its comma included)."""
        assert self._raw is not None
        last = self._last_key()
        if last is None or sort_key(self.name, key) > last:
            return None  # past the last line: a new key, no need to search
        at = self._raw.find(
            b'\n "' + key.encode() + b'": ', self._start if start is None else start, self._end
        )
        if at < 0:
            return None
        end = self._raw.find(b"\n", at + 1, self._end)
        return at, (self._end if end < 0 else end)

    def _line_doc(self, span: tuple[int, int]) -> Any:
        assert self._raw is not None
        line = self._raw[span[0] + 1 : span[1]].rstrip(b",")
        return json.loads(line.split(b": ", 1)[1])

    def get(self, key: str) -> Any:
        if self._raw is None:
            assert self._table is not None
            return self._table.get(key)
        if key in self._edits:
            return self._edits[key]
        if key not in self._parsed:
            span = self._span(key)
            if span is None:
                return None
            self._parsed[key] = self._line_doc(span)
        return self._parsed[key]

    def get_many(self, keys: list[str]) -> list[Any]:
        """Several lines in one pass (returned in the table's order)."""
        ordered = sorted(keys, key=lambda k: sort_key(self.name, k))
        if self._raw is None or self._edits:
            return [self.get(k) for k in ordered]
        out, start = [], self._start
        for key in ordered:
            span = self._span(key, start)
            out.append(None if span is None else self._line_doc(span))
            if span is not None:
                start = span[1]
        return out

    def put(self, key: str, doc: dict[str, Any] | None) -> None:
        """Set (or, with None, remove) one document."""
        if self._raw is None:
            assert self._table is not None
            if doc is None:
                self._table.pop(key, None)
            else:
                self._table[key] = doc
            return
        if key not in self.originals:
            self.originals[key] = self.get(key)
        self._edits[key] = doc
        self._parsed.pop(key, None)

    def last_key(self, prefix: str = "") -> str | None:
        """The greatest key starting with `prefix` (cheap on raw lines)."""
        found = [k for k, d in self._edits.items() if d is not None and k.startswith(prefix)]
        if self._raw is None:
            assert self._table is not None
            found += [k for k in self._table if k.startswith(prefix)]
        else:
            at = self._raw.rfind(b'\n "' + prefix.encode(), self._start, self._end)
            if at >= 0:
                found.append(self._raw[at + 3 : self._raw.find(b'"', at + 3)].decode())
        return max(found, key=lambda k: sort_key(self.name, k), default=None)

    def pieces(self) -> list[Any]:
        """The table's lines as the file holds them, as byte strings and views to join."""
        if self._raw is None:
            assert self._table is not None
            return [table_body(self.name, self._table)]
        if not self._edits:
            return [memoryview(self._raw)[self._start : self._end]]
        return self._spliced()

    def _insert_at(self, key: str) -> int:
        """The offset of the newline before which a new line for `key` belongs."""
        assert self._raw is not None
        wanted = sort_key(self.name, key)
        last = self._last_key()
        if last is None or last < wanted:
            return self._end  # the usual case: a new id or entry sorts last
        starts, keys = [], []
        for match in _LINE_KEY.finditer(self._raw, self._start, self._end):
            starts.append(match.start())
            keys.append(sort_key(self.name, match.group(1).decode()))
        from bisect import bisect_left  # a rare case: not worth importing for every command

        return starts[bisect_left(keys, wanted)]

    def _spliced(self) -> list[Any]:
        assert self._raw is not None
        view = memoryview(self._raw)
        ops = []  # (start, end, order, new line or b"")
        for key, doc in self._edits.items():
            line = b"" if doc is None else b"\n" + doc_line(key, doc)
            span = self._span(key)
            if span is not None:
                ops.append((span[0], span[1], sort_key(self.name, key), line))
            elif doc is not None:
                at = self._insert_at(key)
                ops.append((at, at, sort_key(self.name, key), line))
        ops.sort(key=lambda op: (op[0], op[2]))
        pieces: list[Any] = []
        raw = self._raw
        assert raw is not None

        def keep(start: int, end: int) -> None:
            # A run of untouched lines, without the comma after its last line.
            if end > start and raw[end - 1 : end] == b",":
                end -= 1
            if end > start:
                pieces.extend((b",", view[start:end]) if pieces else (view[start:end],))

        cursor = self._start
        for start, end, _, line in ops:
            keep(cursor, start)
            if line:
                pieces.extend((b",", line) if pieces else (line,))
            cursor = max(cursor, end)
        keep(cursor, self._end)
        return pieces
