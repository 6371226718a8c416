from __future__ import annotations

from shelfscope.cli import main

main()
