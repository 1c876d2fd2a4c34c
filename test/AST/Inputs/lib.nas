// Imported by decls.nas.
op batch_norm() = "batch_norm";
