"""The chapters: one module per claim area, with the computations and figures its notebook shows."""
