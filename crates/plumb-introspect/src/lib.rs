//! Reads a live PostgreSQL catalog into plumb's schema model.
