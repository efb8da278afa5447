"""The English pipeline and the annotations it stores per sentence (see annotation.py)."""
