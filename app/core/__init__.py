"""Pieces every feature uses: column types, authorization, audit log, outbox, security."""
