"""Data completeness (ID6): a weighted score per party, kept fresh as a `completeness` trait,
and a gap report by segment, owner and source.

Modules: `fields` (the catalogue of scored fields and their SQL tests), `weights`
(defaults overlaid with the configured rows), `scoring` (presence masks → scores),
`services` (writes: weights, rescoring), `selectors` (reads: one party, preview, lists),
`report` (the gap report's aggregates), `forms` and `charts` (the pages' forms and chart
data). Receivers and the nightly schedule: `reservoir.resolution.receivers_completeness`.
"""
