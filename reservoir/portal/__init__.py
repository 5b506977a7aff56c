"""The customers' own site: sign-in, cases, orders, knowledge base, profile."""
