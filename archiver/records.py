"""The shared record types, re-exported from the store's bottom layer (store/records.py).

The application imports them from here; they live in the store so that the store can
return them without importing archiver.
"""

from store.records import Appearance, CustodyEvent, Finding, LookupMatch, NearMatch

__all__ = ["Appearance", "CustodyEvent", "Finding", "LookupMatch", "NearMatch"]
