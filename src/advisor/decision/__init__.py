"""The decision: how firing rules become measures, why, and how it is shown.

`model` holds the output types, `policy` the one place that turns firing
rules into recommended, withheld and guarded measures, `explain` the reasons,
`assemble` the whole decision, `render` the terminal table.
"""
