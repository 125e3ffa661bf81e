"""Matching citizens' questions to procedures, in one pass (matcher.py): understand the question, retrieve
candidates from the index of the whole catalogue, score them, decide, choose the Q&A entries to show."""

from .matcher import Match, Matcher
from .normalize import normalize

__all__ = ["Match", "Matcher", "normalize"]
