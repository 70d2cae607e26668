"""Terminology: glossary loading, matching, proper names, and enforcement in MT output."""
