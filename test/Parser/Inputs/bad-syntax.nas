// Imported by stops-before-sema-imported.nas: a syntax error.
op relu() = "relu"
