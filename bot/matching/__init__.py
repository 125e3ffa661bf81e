"""Matching citizens' questions to procedures: normalisation, index, decision, aspect."""

from .matcher import Match, Matcher
from .normalize import normalize

__all__ = ["Match", "Matcher", "normalize"]
