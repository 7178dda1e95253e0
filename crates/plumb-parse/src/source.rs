//! What a source consists of: the scripts, in apply order.

use std::path::{Path, PathBuf};

use crate::{Error, Location};

/// One script of a source: a file, or the "up" part of a migration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    pub path: PathBuf,
    /// The SQL, with psql meta-command lines blanked out (line numbers unchanged).
    pub sql: String,
    /// 1-based line of `path` where `sql` starts.
    pub first_line: usize,
}

/// The SQL a source consists of, in apply order: one file, the `.sql` files of a directory (recursively,
/// sorted by path bytes), or the migrations of a migrations directory (as `plumb_migrations` orders them).
pub fn scripts(path: &Path) -> Result<Vec<Script>, Error> {
    let meta = std::fs::metadata(path).map_err(|e| Error::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    if !meta.is_dir() {
        let sql = read(path)?;
        return Ok(vec![Script {
            path: path.to_path_buf(),
            sql: blank_meta_lines(&sql),
            first_line: 1,
        }]);
    }
    if plumb_migrations::detect(path).is_some() {
        let dir = plumb_migrations::read_dir(path, None)?;
        return Ok(migration_scripts(&dir));
    }
    let mut files = Vec::new();
    collect_sql_files(path, &mut files)?;
    if files.is_empty() {
        return Err(Error::Empty {
            path: path.to_path_buf(),
        });
    }
    files.sort_by(|a, b| {
        a.as_os_str()
            .as_encoded_bytes()
            .cmp(b.as_os_str().as_encoded_bytes())
    });
    files
        .into_iter()
        .map(|f| {
            let sql = read(&f)?;
            Ok(Script {
                path: f,
                sql: blank_meta_lines(&sql),
                first_line: 1,
            })
        })
        .collect()
}

/// The "up" parts of a migrations directory's migrations, in apply order.
pub fn migration_scripts(dir: &plumb_migrations::MigrationDir) -> Vec<Script> {
    dir.migrations
        .iter()
        .map(|m| Script {
            path: m.path.clone(),
            sql: blank_meta_lines(&m.up_sql),
            first_line: m.up_line.max(1),
        })
        .collect()
}

fn read(path: &Path) -> Result<String, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    let text = String::from_utf8(bytes).map_err(|_| Error::NotUtf8 {
        path: path.to_path_buf(),
    })?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(t) => t.to_string(),
        None => text,
    })
}

fn collect_sql_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), Error> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::Io {
        path: dir.to_path_buf(),
        source: e,
    })?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::Io {
            path: dir.to_path_buf(),
            source: e,
        })?;
        let p = entry.path();
        let ft = entry.file_type().map_err(|e| Error::Io {
            path: p.clone(),
            source: e,
        })?;
        if ft.is_dir() {
            collect_sql_files(&p, out)?;
        } else if p.extension().is_some_and(|e| e == "sql") {
            out.push(p);
        }
    }
    Ok(())
}

/// Blank psql meta-command lines (first character a backslash), keeping line breaks.
pub(crate) fn blank_meta_lines(sql: &str) -> String {
    if !sql.contains('\\') {
        return sql.to_string();
    }
    let mut out = String::with_capacity(sql.len());
    for line in sql.split_inclusive('\n') {
        if line.starts_with('\\') {
            if line.ends_with("\r\n") {
                out.push_str("\r\n");
            } else if line.ends_with('\n') {
                out.push('\n');
            }
        } else {
            out.push_str(line);
        }
    }
    out
}

/// Byte offsets to locations in one script.
pub(crate) struct LineIndex<'a> {
    script: &'a Script,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(script: &'a Script) -> Self {
        let mut starts = vec![0];
        starts.extend(script.sql.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { script, starts }
    }

    /// Location of a byte offset (clamped to the text, moved back to a character boundary).
    pub(crate) fn location(&self, offset: usize) -> (Location, String) {
        let sql = &self.script.sql;
        let mut offset = offset.min(sql.len());
        while !sql.is_char_boundary(offset) {
            offset -= 1;
        }
        let idx = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.starts[idx];
        let end = sql[start..]
            .find('\n')
            .map(|e| start + e)
            .unwrap_or(sql.len());
        let line_text = sql[start..end].trim_end_matches('\r').to_string();
        let column = sql[start..offset].chars().count() + 1;
        (
            Location {
                file: self.script.path.clone(),
                line: self.script.first_line + idx,
                column,
            },
            line_text,
        )
    }

    pub(crate) fn error(&self, offset: usize, message: impl Into<String>) -> Error {
        let (location, line_text) = self.location(offset);
        Error::At {
            location,
            message: message.into(),
            line_text,
        }
    }
}
