"""The matching engine of identity resolution: pure Python, no database, no Django models.

Online (one incoming record against the base):
    keys = blocking_keys(record)            # store each party's keys in an indexed table;
    candidates = parties sharing any key    # fetch them (skip keys shared by very many)
    results = Matcher().score_many(record, candidates)   # probability + evidence each
Batch (the whole base, or an import file):
    pairs = find_duplicates(records, estimate=True)      # blocking, EM fit, scoring
    groups = cluster(pairs, threshold=0.9)
Parameters: `Matcher()` uses the shipped a-priori `params.json`; `fit_matcher(records)`
(or `find_duplicates(..., estimate=True)`) fits them without labels by EM on the data;
`ModelParams.to_json()/from_json()` store a fit.

Modules: records (value types) · names (Chinese script/pinyin, nicknames, parsing) ·
compare (features and field levels, rapidfuzz) · model (Fellegi–Sunter weights, Matcher;
why not Splink at run time) · estimate (unsupervised EM, numpy) · blocking (index keys) ·
cluster (batch duplicates, clusters) · labels (translatable evidence).
"""

from reservoir.resolution.matching import names
from reservoir.resolution.matching.blocking import blocking_keys
from reservoir.resolution.matching.cluster import cluster, find_duplicates
from reservoir.resolution.matching.estimate import fit_matcher
from reservoir.resolution.matching.model import Matcher, ModelParams
from reservoir.resolution.matching.records import Evidence, MatchResult, PartyRecord

__all__ = [
    "Evidence",
    "MatchResult",
    "Matcher",
    "ModelParams",
    "PartyRecord",
    "blocking_keys",
    "cluster",
    "find_duplicates",
    "fit_matcher",
    "names",
]
