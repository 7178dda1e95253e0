//! Logging to stderr. Library crates never print; they return warnings as data and the CLI shows them here.

use std::cell::RefCell;
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

thread_local! {
    /// Lines held back on this thread (see [`capture`]) instead of printed.
    static HELD: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
}

fn emit(line: String) {
    let line = HELD.with(|held| match held.borrow_mut().as_mut() {
        Some(lines) => {
            lines.push(line);
            None
        }
        None => Some(line),
    });
    if let Some(line) = line {
        eprintln!("{line}");
    }
}

/// Run `f`, holding back what it logs on this thread; returns its result and the lines, for [`replay`]. A
/// source read on another thread logs this way, so its lines come out after the other source's, in the order
/// a sequential read gives.
pub fn capture<T>(f: impl FnOnce() -> T) -> (T, Vec<String>) {
    HELD.with(|held| *held.borrow_mut() = Some(Vec::new()));
    let out = f();
    let lines = HELD
        .with(|held| held.borrow_mut().take())
        .unwrap_or_default();
    (out, lines)
}

/// Print lines held back by [`capture`].
pub fn replay(lines: Vec<String>) {
    for line in lines {
        emit(line);
    }
}

pub fn warn(message: impl std::fmt::Display) {
    if LEVEL.load(Ordering::Relaxed) >= 1 {
        emit(format!("warning: {message}"));
    }
}

/// An error that does not stop the command (it has printed its report): always shown.
pub fn error(message: impl std::fmt::Display) {
    emit(format!("error: {message}"));
}

/// The result of something the user asked for (`--verify`): shown unless `-q`.
pub fn result(message: impl std::fmt::Display) {
    if LEVEL.load(Ordering::Relaxed) >= 1 {
        emit(format!("plumb: {message}"));
    }
}

pub fn info(message: impl std::fmt::Display) {
    if LEVEL.load(Ordering::Relaxed) >= 2 {
        emit(format!("plumb: {message}"));
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
