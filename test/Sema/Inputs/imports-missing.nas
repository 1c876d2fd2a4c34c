// Imported by missing-import.nas: this file's own import is missing.
import "not-here";
