//! Migration checksums, computed exactly the way each tool computes the value it stores in its history table.
//!
//! Sources (read from the tools' own code):
//!
//! * **Prisma** — prisma-engines, `schema-engine/connectors/schema-connector/src/checksum.rs`:
//!   `compute_checksum(script)` is `Sha256::digest(script.as_bytes())` of the text of `migration.sql`, rendered
//!   as lowercase hex with two digits per byte (`format_checksum`) and stored in
//!   `_prisma_migrations.checksum VARCHAR(64)`. When comparing, Prisma also accepts the checksum of the script
//!   with `\r\n` replaced by `\n` (`script_matches_checksum`), so a checkout that only changed line endings is
//!   not reported as modified; it also accepts `\n` replaced by `\r\n`, and for stored values that are not
//!   64 characters long the old rendering without zero padding (prisma-engines issue 1887).
//!   [`prisma_matches`] does the same.
//! * **sqlx** — sqlx-core `src/migrate/migration.rs`, `Migration::new`: `Sha384::digest(sql.as_bytes())`, the
//!   48 raw bytes stored in `_sqlx_migrations.checksum BYTEA`. `sql` is the whole file as read by
//!   `fs::read_to_string` (sqlx-core `src/migrate/source.rs`), for plain and `.up.sql` files alike. (sqlx 0.9
//!   can be configured to ignore characters such as `\r` in the checksum, `migrate.ignored-chars` in
//!   `sqlx.toml`; that setting is not read here: the default, no ignored characters, is assumed.)
//! * **Flyway** — flyway-core `internal/resolver/ChecksumCalculator.calculateChecksumForResource` (earlier
//!   versions: `LoadableResource.calculateChecksum()`): a `java.util.zip.CRC32` updated with the UTF-8 bytes
//!   of every line returned by `BufferedReader.readLine()` (which strips `\n`, `\r` and `\r\n`), a
//!   byte-order mark removed from the first line (`BomFilter.FilterBomFromString`), the result cast to a Java
//!   `int` and stored in `flyway_schema_history.checksum INTEGER`. Because CRC-32 over consecutive chunks
//!   equals CRC-32 over their concatenation, this is the CRC-32 of the text with the BOM and every CR and LF
//!   removed. (Flyway decodes the file with its configured `encoding`, UTF-8 by default; only UTF-8 is
//!   supported here. Some Flyway 10 builds strip a BOM from every line, not only the first: a BOM in the
//!   middle of a file is the only case where the two differ.)
//! * **golang-migrate**, **dbmate** (and Rails) store no checksum.

use serde::{Serialize, Serializer};
use sha2::{Digest, Sha256, Sha384};

use crate::layout::Layout;

/// The checksum a tool records for a migration, in the form the tool stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "algorithm", content = "value", rename_all = "kebab-case")]
pub enum Checksum {
    /// Prisma: lowercase hex SHA-256 of the bytes of `migration.sql` (64 characters).
    Sha256Hex(String),
    /// sqlx: raw SHA-384 of the file's text (48 bytes); serialised as hex.
    Sha384(#[serde(serialize_with = "as_hex")] Vec<u8>),
    /// Flyway: CRC-32 over the lines, as the signed 32-bit integer Flyway stores.
    Crc32(i32),
    /// The tool stores no checksum (golang-migrate, dbmate, Rails).
    None,
}

fn as_hex<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&hex::encode(bytes))
}

impl std::fmt::Display for Checksum {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Checksum::Sha256Hex(h) => write!(f, "sha256:{h}"),
            Checksum::Sha384(b) => write!(f, "sha384:{}", hex::encode(b)),
            Checksum::Crc32(c) => write!(f, "crc32:{c}"),
            Checksum::None => f.write_str("none"),
        }
    }
}

impl Checksum {
    /// The checksum `layout`'s tool computes for a file with these bytes.
    pub fn compute(layout: Layout, bytes: &[u8]) -> Checksum {
        match layout {
            Layout::Prisma => Checksum::Sha256Hex(prisma_checksum(bytes)),
            Layout::Sqlx => Checksum::Sha384(sqlx_checksum(bytes)),
            Layout::Flyway => Checksum::Crc32(flyway_checksum(bytes)),
            Layout::GolangMigrate | Layout::Dbmate => Checksum::None,
        }
    }

    /// Whether a value stored by the tool matches this file's checksum, with the tool's own tolerance (see
    /// [`prisma_matches`]; `bytes` is the file's content). A `None` checksum matches anything: there is
    /// nothing to compare.
    pub fn matches_stored(&self, stored: &Checksum, bytes: &[u8]) -> bool {
        match (self, stored) {
            (Checksum::None, _) | (_, Checksum::None) => true,
            (Checksum::Sha256Hex(_), Checksum::Sha256Hex(theirs)) => prisma_matches(bytes, theirs),
            (a, b) => a == b,
        }
    }
}

/// Prisma's `script_matches_checksum`: the stored checksum matches the script as is, with `\r\n` replaced by
/// `\n`, or with `\n` replaced by `\r\n` (git may have changed line endings); a stored value that is not 64
/// characters long is compared with the old rendering that did not zero-pad bytes (prisma-engines#1887).
pub fn prisma_matches(bytes: &[u8], stored: &str) -> bool {
    let old_format = !stored.is_empty() && stored.len() != 64;
    let render = |b: &[u8]| {
        let digest = Sha256::digest(b);
        if old_format {
            digest
                .iter()
                .map(|byte| format!("{byte:x}"))
                .collect::<String>()
        } else {
            hex::encode(digest)
        }
    };
    render(bytes) == stored
        || render(&crlf_to_lf(bytes)) == stored
        || render(&lf_to_crlf(bytes)) == stored
}

fn lf_to_crlf(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 16);
    for &b in bytes {
        if b == b'\n' {
            out.push(b'\r');
        }
        out.push(b);
    }
    out
}

fn crlf_to_lf(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            i += 1;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// Prisma's checksum: lowercase hex SHA-256 of the file's bytes.
pub fn prisma_checksum(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// sqlx's checksum: SHA-384 of the file's text (48 bytes).
pub fn sqlx_checksum(bytes: &[u8]) -> Vec<u8> {
    Sha384::digest(bytes).to_vec()
}

/// Flyway's checksum: CRC-32 of the UTF-8 text without a leading byte-order mark and without any CR or LF,
/// as a signed 32-bit integer. Invalid UTF-8 is decoded with replacement characters, as Java's decoder does.
pub fn flyway_checksum(bytes: &[u8]) -> i32 {
    let text = String::from_utf8_lossy(bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut hasher = crc32fast::Hasher::new();
    for chunk in text.split(['\r', '\n']) {
        hasher.update(chunk.as_bytes());
    }
    hasher.finalize() as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prisma_is_sha256_hex_of_bytes() {
        // `printf 'CREATE TABLE a (id int);\n' | sha256sum`
        assert_eq!(
            prisma_checksum(b"CREATE TABLE a (id int);\n"),
            "c2de7559380e5ebf65caa7d59e166558e80243cf7e70006cc98d1593d94203c1"
        );
        // `printf '' | sha256sum`
        assert_eq!(
            prisma_checksum(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        // `printf 'abc' | sha256sum`
        assert_eq!(
            prisma_checksum(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn sqlx_is_sha384_of_text() {
        // FIPS 180-2 test vector for "abc".
        assert_eq!(
            hex::encode(sqlx_checksum(b"abc")),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"
        );
        assert_eq!(sqlx_checksum(b"").len(), 48);
    }

    #[test]
    fn flyway_crc32_ignores_line_endings_and_bom() {
        // CRC-32 (IEEE) of "abc" is 0x352441C2; positive as i32.
        assert_eq!(flyway_checksum(b"abc"), 0x352441C2);
        // CRC-32 of "123456789" is the check value 0xCBF43926, which Java's `(int)` cast makes negative.
        assert_eq!(flyway_checksum(b"123456789"), 0xCBF43926u32 as i32);
        assert_eq!(flyway_checksum(b"123456789"), -873187034);
        assert_eq!(flyway_checksum(b"1234\n56789\n"), -873187034);
        assert_eq!(flyway_checksum(b"1234\r\n56789\r\n"), -873187034);
        assert_eq!(flyway_checksum(b"1234\r56789"), -873187034);
        assert_eq!(flyway_checksum(b"\xef\xbb\xbf123456789"), -873187034);
        assert_eq!(flyway_checksum(b""), 0);
        // Computed with Java 17: `BufferedReader.readLine()` over UTF-8, BOM stripped from the first line only,
        // `CRC32.update` per line, `(int)` cast (the loop of Flyway's ChecksumCalculator). Lone CR, CRLF and a
        // BOM in the middle of the file (kept).
        assert_eq!(flyway_checksum(b"a\rb\r\nc\n\xef\xbb\xbfd"), 1167486026);
    }

    #[test]
    fn prisma_accepts_crlf_normalised_form() {
        let crlf = b"CREATE TABLE a ();\r\n";
        let lf = b"CREATE TABLE a ();\n";
        let file = Checksum::compute(Layout::Prisma, crlf);
        let stored = Checksum::compute(Layout::Prisma, lf);
        assert_ne!(file, stored);
        assert!(file.matches_stored(&stored, crlf));
        let other = Checksum::compute(Layout::Prisma, b"CREATE TABLE b ();\n");
        assert!(!file.matches_stored(&other, crlf));
        // A file checked out with LF, applied from a CRLF checkout.
        assert!(prisma_matches(lf, &prisma_checksum(crlf)));
        assert!(!prisma_matches(b"abc", &prisma_checksum(b"abc\n")));
    }

    #[test]
    fn prisma_old_unpadded_checksums_match() {
        // prisma-engines' own test value: sha256("hello").
        assert_eq!(
            prisma_checksum(b"hello"),
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        );
        // The old rendering wrote each byte with `{:x}`: 0x0e became "e".
        let old: String = Sha256::digest(b"hello")
            .iter()
            .map(|b| format!("{b:x}"))
            .collect();
        assert!(old.len() < 64);
        assert!(prisma_matches(b"hello", &old));
        assert!(!prisma_matches(b"hello!", &old));
    }
}
