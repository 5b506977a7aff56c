"""Bulk import of parties from CSV, Excel and vCard files.

readers (bytes → table of text cells) · fields (what a column can map to, suggestions from
English and Chinese headers) · rows (a mapped row → a validated `ImportRow`) · dedupe
(matching against the base and within the file) · owners (owner assignment) · writer (bulk
creation and updates) · services (the job's life: upload, mapping, dry run, run, cancel) ·
selectors (reads, filtered by visibility).
"""
