"""Demo content: fictional organisations, members and projects that show Groundswell at work."""
