"""Analysis core: the baseline, the methods that find positive exceptions, the practice
comparison and the progress summary.

Pure functions on a units DataFrame (``unit_id``, ``outcome``, ``population``, then one column
per circumstance) and on model objects. No widgets, no store access, no files. Submodules are
imported on demand so that importing this package costs nothing at page load::

    from widgets.analysis.baseline import baseline_summary
    from widgets.analysis.positive_exceptions import run_method, METHODS

The modules import one another one way only (tests/test_analysis_imports.py checks it):

- ``methods``        the methods' names and plain lines (standard library only);
- ``baseline``       the starting point, and the number formats;
- ``method_result``  the result every method returns and the checks every method makes;
- ``group_choice``, ``similar_circumstances``, ``better_than_expected``, ``funnel``  the
  methods, each on ``method_result``;
- ``agreement``      which units several methods agree on;
- ``positive_exceptions``  the registry: ``run_method``, ``rerun``, ``METHODS``;
- ``candidates``     step 2's candidates from one or more runs (on the results only);
- ``practices``, ``progress``  step 3.
"""
