"""Linear regression (chapter 4): the closed forms and the gradient-descent solvers."""
