"""The local SQLite database (WAL): one per profile and account.

Orders with every state change, executions (once per execution id), positions, balances,
the tape, downsampled top of book and depth, the account's redacted audit journal (keys,
questions and answers, refusals, commands sent and their answers), each stream's connects
and disconnects, and the streams' resume tokens. Attached once to a
DeskState (link.py), it listens to every change a venue writes there; no venue imports it
(whoever opens it hands it in). Never imports textual.
"""

from tui.store.paths import DATA_DIR_ENV, StoreError, data_dir, db_path, profile_dir
from tui.store.rows import BookRow, FillRow, OrderRow, StreamEventRow
from tui.store.schema import SCHEMA_VERSION
from tui.store.store import Store

__all__ = [
    "DATA_DIR_ENV",
    "SCHEMA_VERSION",
    "BookRow",
    "FillRow",
    "OrderRow",
    "Store",
    "StoreError",
    "StreamEventRow",
    "data_dir",
    "db_path",
    "profile_dir",
]
