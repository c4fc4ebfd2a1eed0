//! A proposal argument that may be a folder: the file itself, or every
//! `*.toml` in the folder.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The file itself, or every `*.toml` directly in the folder, sorted by
/// path. A folder without one is an error that names it.
pub fn proposal_files(path: &Path) -> Result<Vec<PathBuf>> {
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| Error::io(path, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(Error::invalid(format!(
            "{} holds no .toml proposal files",
            path.display()
        )));
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_lists_its_toml_files_sorted() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b.toml", "a.toml", "notes.txt"] {
            std::fs::write(dir.path().join(name), "").unwrap();
        }
        let files = proposal_files(dir.path()).unwrap();
        assert_eq!(
            files,
            vec![dir.path().join("a.toml"), dir.path().join("b.toml")]
        );
        let one = dir.path().join("a.toml");
        assert_eq!(proposal_files(&one).unwrap(), vec![one.clone()]);
        let empty = tempfile::tempdir().unwrap();
        let err = proposal_files(empty.path()).unwrap_err().to_string();
        assert!(err.contains("holds no .toml proposal files"), "{err}");
    }
}
