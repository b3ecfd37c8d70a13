"""Field-service dispatch: the day planner and technician suggestions.

A pure planning layer (plain dataclasses in, plain results out, no models): `planner.plan_day`
assigns and orders a center's visits across its technicians with OR-Tools' routing solver,
`suggest.rank_technicians` ranks technicians for one visit, and `travel` holds the
swappable travel-time providers.
"""
