"""The recruiter and moderator panel, one module per room: each module registers its models."""

from . import categories, companies, imports, moderation, postings

__all__ = ["categories", "companies", "imports", "moderation", "postings"]
