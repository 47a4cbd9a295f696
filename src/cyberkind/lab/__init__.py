"""The lab: training, benchmarks, probes and evaluations.

Nothing in the product imports this package (a contract in ``pyproject.toml`` checks it).
The lab imports the product to train and measure it, and adds ``cyberkind train`` and
``cyberkind bench`` to the CLI through the ``register_commands`` hook
(:mod:`cyberkind.lab.commands`).
"""
