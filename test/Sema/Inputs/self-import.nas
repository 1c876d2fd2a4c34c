// A file that imports itself.
import "self-import";
