"""What the pipeline reports: the README's tables and figures, the plots page, model cards, the cross-machine reproduction check."""
