// Imported by import-cycle.nas; imports cycle-b, which imports this file.
import "cycle-b";
op relu() = "relu";
