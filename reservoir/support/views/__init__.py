"""The agent desk: inbox, case page, reports and service settings (mounted at /service/)."""
