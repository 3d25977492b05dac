"""The engine: compiling a rule set for durable_rules and driving its C core.

Depends on the language layer only; the decision layer reads what it reports
as fired (`driver.Firing`).
"""
