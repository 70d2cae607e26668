"""Harnesses around the real third-party clients that must accept bilingual's outputs.

Each module wraps one client and returns data (never prints), so tests can assert on it:

- `openxml`: openxml-audit, the Open XML SDK validator's port (what Word checks), on the DOCX
- `omegat`: OmegaT in console mode, filling a project from our TMX
- `libreoffice_edit`: LibreOffice Writer through UNO, editing the review DOCX as a reviewer
- `ttk`: translate-toolkit's TMX and XLIFF 2 readers
- `schemas`: lxml against the TMX 1.4b DTD and the XLIFF 2 core XSD in ../shared/schemas

Every module has an `available()` so tests skip, with the reason, where a client is absent.
CLIENTS_NOTES.md at the top of the repository has the install lines, timings and findings.
"""
