"""The engine: compiling a rule set for durable_rules and driving its C core.

`formulas` translates conditions into durable_rules patterns, `alpha_network`
models the network the core builds from them, `chaining` says which signals
travel with each rule, `packing` (`compile_plan`) packs the result into
rulesets within the core's `limits`, and `driver` runs the `plan`.

Depends on the language layer only; the decision layer reads what it reports
as fired (`driver.Firing`).
"""
