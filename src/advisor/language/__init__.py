"""The rule language: reading rule files and profiles, the models they fill, conditions, checks.

Nothing here knows the engine or the decision: this layer turns what analysts
write into checked, immutable values (`RuleSet`, `Observations`).
"""
