"""Signals other apps listen to, so that the request's own code never imports them.

`status_changed` is sent inside the transaction of the move (receivers' writes commit or
roll back with it) with `request`, `source`, `target`, `actor` and `at`.
"""

from django.dispatch import Signal

status_changed = Signal()
