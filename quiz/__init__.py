"""IPMA membership rules engine: standard library only, so the same package runs in CPython (build,
tests, CLI) and in Pyodide in the browser (ARCHITECTURE.md). The data flows one way:

    model.py, index.py    the rules as frozen dataclasses, and their lookups
    rules_json.py         the validated rules JSON ↔ the model
    fitting.py            which categories the answers fit, and which one wins
    flow.py               the next question
    answer_space.py       every answer set the quiz allows (for checks and tests)
    result.py, wording.py the result with its reasons, and the sentences it says
    dues.py, enterprise.py  prices
    api.py                JSON in, JSON out (the browser's worker)

Reading the YAML, validating it (rules/membership.schema.json and the checks) and building the site
live in quiz/build/, which is never shipped to the browser.
"""
