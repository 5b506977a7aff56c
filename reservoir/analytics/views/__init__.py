"""Report pages: the reports home, the fixed reports, the cohort table and the explorer."""
