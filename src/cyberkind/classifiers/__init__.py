"""The built-in classifiers: the fast and accurate tiers, the crisis rules, the span model.

Weights live in ``data/`` and load lazily
(:func:`~cyberkind.classifiers.shipped.default_model_dir`).
"""
