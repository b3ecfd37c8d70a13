"""Signals other apps listen to, so that the request's own code never imports them.

`checking_move` is sent before a status move changes anything, with `request` (locked),
`source`, `target` and `actor`: a receiver refuses the move by raising
`core.errors.DomainError` (or `NotAllowed`, `Conflict`), with the reason for the user.

`status_changed` is sent inside the transaction of the move (receivers' writes commit or
roll back with it) with `request`, `source`, `target`, `actor` and `at`.
"""

from django.dispatch import Signal

checking_move = Signal()
status_changed = Signal()
