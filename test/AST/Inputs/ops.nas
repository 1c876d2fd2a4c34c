// Stands in for the standard library in AST tests (--stdlib %S/Inputs).
op relu() = "relu";
