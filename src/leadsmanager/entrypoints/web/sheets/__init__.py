"""Lists written for a person's spreadsheet, in their language, rather than for another program."""
