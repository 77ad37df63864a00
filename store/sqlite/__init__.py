"""The SQLite catalog's own parts: its migrations (frozen, numbered steps).

sqlite-utils is loaded here, before anything of the store uses it (they import its
``Database`` from here), with numpy and pandas
hidden from it: it imports both when it can, only to learn their scalar types, which the
catalog never stores (it writes through plain SQL parameters). Loading numpy costs a
quick command such as `archiver list` about half its start-up. A process that already
has them keeps them, and sqlite-utils then sees them as usual.
"""

from __future__ import annotations

import sys

_HIDDEN = tuple(name for name in ("numpy", "pandas") if name not in sys.modules)
sys.modules.update(dict.fromkeys(_HIDDEN))  # a None entry makes `import numpy` raise ImportError
try:
    from sqlite_utils import Database
finally:
    for _name in _HIDDEN:
        del sys.modules[_name]

__all__ = ["Database"]
