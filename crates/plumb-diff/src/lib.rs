//! Compares two schema models and plans dependency-ordered SQL between them.
