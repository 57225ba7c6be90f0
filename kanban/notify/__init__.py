"""Telling people: notifications in the app and by email, the morning digest, calendars."""
