"""Data written for the link judge (:mod:`cyberkind.lab.training.answers`)."""
