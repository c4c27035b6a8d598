"""Measurements of clean-news on the development corpora (``make eval``, ``make bench``).

Not imported by the package at run time. ``python -m filters.evaluation`` runs
the evaluation; :mod:`filters.evaluation.data` holds the corpus loaders both
commands share, :mod:`filters.evaluation.splits` the train/test split that
model training imports.
"""
