"""Discussions: threads and posts with moderation, for EVA hearing comments and panel forums."""
