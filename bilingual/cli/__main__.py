"""`python -m bilingual.cli`: the same as the `bilingual` command."""

from bilingual.cli import main

main()
