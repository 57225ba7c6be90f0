"""Fetch the front-end files the browser tests serve instead of a CDN (npm registry)."""

if __name__ == "__main__":
    pass
