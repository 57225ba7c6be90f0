"""Lead pages: create, edit, detail with timeline."""
