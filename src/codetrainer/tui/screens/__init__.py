"""Trainer screens, one per module."""
