"""Web contact-form lead capture."""
