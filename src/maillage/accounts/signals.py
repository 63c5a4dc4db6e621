"""Signals of the accounts app, for the apps above it (accounts imports none of them)."""

from django.dispatch import Signal

# An invitation was accepted (inside its transaction): `invitation`, `user`. The care circle
# an invitation was for is joined by pathways' receiver.
invitation_accepted = Signal()
