"""Analysis core: the baseline, the methods that find positive exceptions, the practice
comparison and the progress summary.

Pure functions on a units DataFrame (``unit_id``, ``outcome``, ``population``, then one column
per circumstance) and on model objects. No widgets, no store access, no files. Submodules are
imported on demand so that importing this package costs nothing at page load::

    from widgets.analysis.baseline import baseline_summary
    from widgets.analysis.positive_exceptions import run_method, METHODS
"""
