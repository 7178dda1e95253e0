//! Logging to stderr. Library crates never print; they return warnings as data and the CLI shows them here.

use std::sync::atomic::{AtomicU8, Ordering};

static LEVEL: AtomicU8 = AtomicU8::new(1);

/// 0 = quiet (errors only), 1 = warnings (default), 2 = info (`-v`).
pub fn init(verbose: bool, quiet: bool) {
    LEVEL.store(
        if quiet {
            0
        } else if verbose {
            2
        } else {
            1
        },
        Ordering::Relaxed,
    );
}

pub fn warn(message: impl std::fmt::Display) {
    if LEVEL.load(Ordering::Relaxed) >= 1 {
        eprintln!("warning: {message}");
    }
}

pub fn info(message: impl std::fmt::Display) {
    if LEVEL.load(Ordering::Relaxed) >= 2 {
        eprintln!("plumb: {message}");
    }
}

/// Whether `-v` was given.
pub fn verbose() -> bool {
    LEVEL.load(Ordering::Relaxed) >= 2
}

/// Whether `-q` was given.
pub fn quiet() -> bool {
    LEVEL.load(Ordering::Relaxed) == 0
}
