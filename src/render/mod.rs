//! Rendering at the edge: typed reports in, text out.
//!
//! The analyses return exact numbers (`Power`, `BigRational`) and typed
//! outcomes; this module is where they become a table for people, JSON or
//! CSV. Nothing here computes a result or reads a file.

pub mod compare;
pub mod control;
pub mod delegation;
pub mod fund;
pub mod report;
pub mod sybil;
mod table;

/// A CSV field, quoted when it holds a comma, a quote or a newline.
pub(crate) fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}
