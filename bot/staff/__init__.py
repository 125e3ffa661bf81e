"""Staff tools: reload reports, usage figures, the review export, the HTML report, change notices."""
