//! Column-aligned text tables, shared by the table renderers: two spaces
//! in front, the first column left-aligned, the others right-aligned, two
//! spaces between columns.

use std::fmt::Write as _;

/// One line of a table with the given column widths.
pub(crate) fn write_row<S: AsRef<str>>(out: &mut String, cells: &[S], widths: &[usize]) {
    out.push_str("  ");
    for (c, (cell, &w)) in cells.iter().zip(widths).enumerate() {
        let cell = cell.as_ref();
        let _ = if c == 0 {
            write!(out, "{cell:<w$}")
        } else {
            write!(out, "  {cell:>w$}")
        };
    }
    out.push('\n');
}

/// A table whose first row is the head, each column as wide as its widest
/// cell (in characters); `ruled` draws a line of dashes under the head.
pub(crate) fn write_table<S: AsRef<str>>(out: &mut String, rows: &[Vec<S>], ruled: bool) {
    let columns = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .map(|r| r[c].as_ref().chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for (i, row) in rows.iter().enumerate() {
        write_row(out, row, &widths);
        if i == 0 && ruled {
            let _ = writeln!(
                out,
                "  {}",
                "-".repeat(widths.iter().sum::<usize>() + 2 * (widths.len() - 1))
            );
        }
    }
}

/// `proposal ID` with ` — TITLE` when there is a title: the first words of
/// a proposal's table.
pub(crate) fn proposal_heading(id: &str, title: Option<&str>) -> String {
    let title = title.map(|t| format!(" — {t}")).unwrap_or_default();
    format!("proposal {id}{title}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align_by_characters() {
        let mut out = String::new();
        let rows = vec![
            vec!["name", "power"],
            vec!["é", "1"],
            vec!["abcd", "10000000"],
        ];
        write_table(&mut out, &rows, true);
        assert_eq!(
            out,
            "  name     power\n  --------------\n  é            1\n  abcd  10000000\n"
        );
        assert_eq!(proposal_heading("7", Some("T")), "proposal 7 — T");
        assert_eq!(proposal_heading("7", None), "proposal 7");
    }
}
