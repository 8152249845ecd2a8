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
    session   one command's view: load, read, change, commit
    journal   the history of changes, and undo
    merge     the record-by-record three-way merge
    admin     open, create, check, restore
"""

from ipcoop.store.admin import check_file, create, new_data, open_read, open_write, restore_backup
from ipcoop.store.layout import SCHEMA_VERSION, serialise
from ipcoop.store.paths import backup_path, cache_path, default_path, local_path, lock_path
from ipcoop.store.session import Database, shape

__all__ = [
    "SCHEMA_VERSION",
    "Database",
    "backup_path",
    "cache_path",
    "check_file",
    "create",
    "default_path",
    "local_path",
    "lock_path",
    "new_data",
    "open_read",
    "open_write",
    "restore_backup",
    "serialise",
    "shape",
]
