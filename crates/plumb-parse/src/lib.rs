//! Turns declared PostgreSQL DDL (files, directories, migration histories) into plumb's schema model.
