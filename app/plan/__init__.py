"""The welfare plan: strategic goals, focus areas, departments."""
