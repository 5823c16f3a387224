"""Clinician authentication: passwords, one-time codes and server-side sessions."""
