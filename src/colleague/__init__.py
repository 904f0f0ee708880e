"""colleague: distill a person's workplace record into an evidence-backed agent Skill."""

__version__ = "0.1.0"
