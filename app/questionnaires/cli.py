"""`flask surveys ...`: export, XLSForm import and publishing from the command line."""

from __future__ import annotations

from flask.cli import AppGroup

surveys_cli = AppGroup("surveys", help="Export, import and publish surveys.")
