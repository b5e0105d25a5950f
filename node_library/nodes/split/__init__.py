"""Splitting a frame into training and test rows."""
