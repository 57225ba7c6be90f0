"""Email-BCC ingestion."""
