"""Personal data: retention across the features, residents' requests to see or remove what is
stored about them, and the coordinator's view of the audit log."""
