"""Warehouse, reports and customer-value models (AN1–AN5, DF1–DF4)."""
