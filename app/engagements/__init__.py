"""Engagements (surveys, EVA hearings, panels). For now: the staff dashboards they will fill."""
