"""Pages every public web service needs: the accessibility statement and the privacy notice."""
