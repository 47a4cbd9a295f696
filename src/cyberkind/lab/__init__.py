"""The lab: training, benchmarks and evaluations; the product never imports it."""
