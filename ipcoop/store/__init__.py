"""The data file: the only package that touches it, and the only one that imports TinyDB.

paths     where the file and the local files beside it live; what may be opened
files     reading safely, replacing atomically
lock      the inter-process lock
layout    the file's deterministic layout and schema
rawtable  large tables kept as raw lines
cache     figures that can be rebuilt, kept locally
identity  who this copy is, and the ids it may hand out
migrate   older schemas, brought up to date
checks    what is wrong with a file
session   one command's view: read, change, commit
loader    loading: the fast path a cache vouches for, or the careful one
tiny      TinyDB over a command's tables (its Storage and Table extension points)
journal   the history of changes, and undo
merge     the record-by-record three-way merge
provenance who changed what since the common ancestor; conflicts as data
admin     open, create, check, restore

May import: ipcoop.base only. Must never import the core, the reports, sync or
a front end: the core and sync import it, and a front end reaches the file only
through ipcoop.core.database.
"""

# Names are loaded on first use (PEP 562): a command imports only the modules
# its path through the store needs, which keeps start-up short.
_WHERE = {
    "check_file": "admin",
    "create": "admin",
    "new_data": "admin",
    "open_read": "admin",
    "open_write": "admin",
    "restore_backup": "admin",
    "SCHEMA_VERSION": "layout",
    "serialise": "layout",
    "backup_path": "paths",
    "cache_path": "paths",
    "default_path": "paths",
    "local_path": "paths",
    "lock_path": "paths",
    "Database": "session",
    "shape": "session",
}
__all__ = [  # noqa: RUF022 - grouped by module, as above
    "check_file",
    "create",
    "new_data",
    "open_read",
    "open_write",
    "restore_backup",
    "SCHEMA_VERSION",
    "serialise",
    "backup_path",
    "cache_path",
    "default_path",
    "local_path",
    "lock_path",
    "Database",
    "shape",
]


def __getattr__(name: str) -> object:
    if name not in _WHERE:
        raise AttributeError(f"module 'ipcoop.store' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"ipcoop.store.{_WHERE[name]}"), name)


TYPE_CHECKING = False
if TYPE_CHECKING:  # what the names are, for type checkers (nothing is imported at run time)
    from ipcoop.store.admin import (
        check_file,
        create,
        new_data,
        open_read,
        open_write,
        restore_backup,
    )
    from ipcoop.store.layout import SCHEMA_VERSION, serialise, shape
    from ipcoop.store.paths import (
        backup_path,
        cache_path,
        default_path,
        local_path,
        lock_path,
    )
    from ipcoop.store.session import Database
