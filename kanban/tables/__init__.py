"""Tables in files: reading a CSV of any common encoding and delimiter, guessing what its
columns hold, and writing cells a spreadsheet opens safely. Public services for every
source that reads or writes spreadsheets (the CSV import and export, prospect lists)."""
