"""Trainer widgets, one per module."""
