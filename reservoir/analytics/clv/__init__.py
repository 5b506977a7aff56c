"""Customer-value models (DF1–DF4) as pure math: numpy/scipy/scikit-learn, no Django models.

- `summary`: transactions → frequency / recency / T / monetary value per customer.
- `bgnbd`: the BG/NBD purchase model — Fader, Hardie & Lee (2005), "Counting your customers
  the easy way: an alternative to the Pareto/NBD model", Marketing Science 24(2).
- `gammagamma`: the Gamma-Gamma spend model — Fader & Hardie (2013), "The Gamma-Gamma model
  of monetary value"; Fader, Hardie & Lee (2005), "RFM and CLV", JMR 42(4).
- `value`: CLV (vectorised, or `score_customer` for one), churn risk, retention curves,
  Pareto (80/20), profitability.
- `rfm`: RFM quintile scores and segments. `basket`: Apriori rules, next best products.
  `needs`: needs-based segments (k-means on category mix).

Why the fitting is our own code and not the `lifetimes` package: lifetimes is unmaintained
(last release 2020), pins old pandas and autograd, and fits through autograd on uncompressed
pandas frames, which is slower. Here the log-likelihoods are vectorised numpy with
scipy.special (gammaln, betaln, digamma, hyp2f1), gradients are analytic, duplicate
(x, t_x, T) rows are merged with weights before BFGS, and `value.score_customer` scores one
customer on plain floats (microseconds per formula; ~0.1 ms for P(alive), expected purchases
and a 12-month CLV, bound by one hyp2f1 per month) with no DataFrame. The tests reproduce
the papers' published CDNOW estimates from the raw events; benchmarks/analytics_clv.py
compares speed and parameters with lifetimes (a dev dependency only; about 6x faster on
the 23,570-customer CDNOW master, same parameters to 6 digits).
"""
