"""Files the questionnaire tests read (XLSForm workbooks and their builder)."""
