"""Checking a rule directory whole: every problem in one pass, each located.

Stages, each collecting problems rather than stopping at the first:

1. YAML (`language.loader`): syntax, aliases, duplicate keys.
2. Shape (`shapes`): top-level sections and each entry against its pydantic model.
3. Identity (`checker`): ids unique across all files.
4. Conditions: parsed with positions (`conditions`); every indicator, signal
   and function known, values of the right type and inside the indicator's
   range (`operands`).
5. Signals (`signal_order`): no cycles; ordered so each comes after the signals it uses.
6. Actions (`actions`): every measure known; `because` placeholders name what the rule reads.

`checker.RuleFileChecker` runs them and builds the `RuleSet`.
"""
