"""Merge and unmerge parties: `merge_parties`, `unmerge` (services) and their selectors."""

from reservoir.resolution.merging.services import may_merge, merge_parties, unmerge

__all__ = ["may_merge", "merge_parties", "unmerge"]
