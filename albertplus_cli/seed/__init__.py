"""Seed data for albertplus: the bundled AlbertPlus sample data set and synthetic data for benchmarks.

The bundled data lives in ``seed/*.json`` at the project root, one file per table in the argument shape of the
original Convex ``seed:seedAll`` mutation (relationships by name/code, not id); `dataset.load_bundled_dataset`
reads it. `synthetic.synthetic_dataset` produces extra courses and sections in the same shape for
``albertplus seed --scale N``. Both return ``{table name: rows}`` so one loader can seed either.
"""
