"""Gherkin features for rule sets: the step vocabulary and the pytest plugin that runs them.

`advisor check` runs a directory of `.feature` files with this plugin; see
`steps.py` for the vocabulary and `plugin.py` for the options.
"""
