"""Qualification: applications, rule files, the rules engine and decisions (pure domain)."""
