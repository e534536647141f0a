"""The shared kernel: the domain's names that qualification, settlement and the platform share.

Pure: pydantic and the standard library only; no storage, files, clock or UI.
"""
