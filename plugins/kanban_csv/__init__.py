"""CSV export and import."""
