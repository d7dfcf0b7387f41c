"""Customer panels (asiakasraadit): recruitment, the selection lottery, members, meetings."""
