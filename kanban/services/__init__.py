"""The core's public services: plugins and views change data only through these."""
