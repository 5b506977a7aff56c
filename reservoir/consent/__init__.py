"""Consent ledger and channel preferences, checked by every sender."""
