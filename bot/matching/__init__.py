"""Matching citizens' questions to procedures: normalisation, index, decision, aspect."""

from .aspect import detect_aspect
from .matcher import Match, Matcher
from .normalize import normalize

__all__ = ["Match", "Matcher", "detect_aspect", "normalize"]
