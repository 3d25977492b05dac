"""Analysis over a rule set: sensitivity, profile overrides, witness search, impact of an
edit, rule coverage by scenarios, the rule map and the generated rule tables.

Library code only: it returns data; the command line (`advisor.cli`) prints it.
"""
