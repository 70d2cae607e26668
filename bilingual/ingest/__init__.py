"""The ingest stage: bytes → text → lines → structure → segments (see `article.load_article`)."""
