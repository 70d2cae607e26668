"""Runs over many articles: inputs and naming, resume stamps, the chunked executor, progress."""
