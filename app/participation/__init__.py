"""Participation records: computed from what happened, rolled up into the plan's records."""
