"""Build-time code: YAML loading, page rendering, the MkDocs plugin, Pyodide asset packaging.

Never shipped to the browser (the engine zip excludes this package).
"""
