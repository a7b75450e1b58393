"""Real-browser tests: Debian's Chromium driven by Playwright, pages checked with axe-core."""
