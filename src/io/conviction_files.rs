//! Conviction files on disk: the `[conviction]` / `[referendum]` TOML, the
//! stake timeline CSV of a funding file, and the conviction curve CSV
//! (`--series`). The conviction module validates and simulates; this is
//! where its files are read and written.

use std::path::{Path, PathBuf};

use csv::StringRecord;

use super::csv_file::CsvFile;
use super::toml_file;
use crate::conviction::{
    funding_only, ConvictionFile, ConvictionReport, FundingFile, FundingReport, Timeline,
    TimelineField, TimelineRow, SERIES_HEADER,
};
use crate::error::{Error, Result};

/// Column names of a stake timeline, first match (case-insensitive) wins.
const BLOCK: &[&str] = &["block", "block_number", "height"];
const ACCOUNT: &[&str] = &["account", "staker", "voter", "address"];
const PROPOSAL: &[&str] = &["proposal", "proposal_id", "id"];
const AMOUNT: &[&str] = &["amount", "stake", "staked"];

/// Reads a conviction file, choosing its kind by its top-level table:
/// `[conviction]` for funding, `[referendum]` for an OpenGov referendum.
pub fn load(path: impl AsRef<Path>) -> Result<ConvictionFile> {
    toml_file::load(path.as_ref(), ConvictionFile::from_toml)
}

/// Reads a funding file's stake timeline (`file.timeline`):
/// `block,account,proposal,amount` (amount in stake tokens; 0 unstakes), in
/// block order.
pub fn read_timeline(file: &FundingFile) -> Result<Timeline> {
    let mut csv = CsvFile::open(&file.timeline)?;
    let columns = [
        csv.required_column(None, BLOCK)?,
        csv.required_column(None, ACCOUNT)?,
        csv.required_column(None, PROPOSAL)?,
        csv.required_column(None, AMOUNT)?,
    ];
    let mut timeline = file.timeline();
    let mut record = StringRecord::new();
    while let Some(line) = csv.next_record(&mut record)? {
        let [block, account, proposal, amount] = columns.map(|i| record.get(i).unwrap_or(""));
        let row = TimelineRow {
            block,
            account,
            proposal,
            amount,
        };
        timeline.push(line, row, |field| {
            let column = match field {
                TimelineField::Block => columns[0],
                TimelineField::Account => columns[1],
                TimelineField::Proposal => columns[2],
                TimelineField::Amount => columns[3],
            };
            csv.at(line, column)
        })?;
    }
    Ok(timeline.finish())
}

/// Reads the stake timeline and simulates up to `until` (default: forever).
pub fn simulate(file: &FundingFile, until: Option<u64>) -> Result<FundingReport> {
    file.simulate(&read_timeline(file)?, until)
}

/// Writes the conviction curves of a funding report as CSV
/// ([`SERIES_HEADER`], rows from [`FundingReport::series_rows`]).
pub fn write_series(report: &FundingReport, path: &Path, step: Option<u64>) -> Result<()> {
    let csv_err = |e: csv::Error| Error::io(path, std::io::Error::other(e));
    let mut w = csv::Writer::from_path(path).map_err(csv_err)?;
    w.write_record(SERIES_HEADER).map_err(csv_err)?;
    report.series_rows(step, |row| w.write_record(&row).map_err(csv_err))?;
    w.flush().map_err(|e| Error::io(path, e))
}

/// What to do with a conviction file besides deciding it.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// Funding: simulate up to this block (default: until the stakes after
    /// the last event decide).
    pub until: Option<u64>,
    /// Funding: write the conviction curves to this CSV file.
    pub series: Option<PathBuf>,
    /// Funding: blocks between curve rows (default: about 500 rows).
    pub step: Option<u64>,
}

/// Reads a conviction file of either kind and runs it: simulates a funding
/// file (writing its curves if `options.series` is set) or decides a
/// referendum. Funding-only options with a referendum file are an error.
pub fn run(path: impl AsRef<Path>, options: &RunOptions) -> Result<ConvictionReport> {
    match load(path)? {
        ConvictionFile::Funding(file) => {
            let report = simulate(&file, options.until)?;
            if let Some(series) = &options.series {
                write_series(&report, series, options.step)?;
            }
            Ok(ConvictionReport::Funding(report))
        }
        ConvictionFile::Referendum(file) => {
            if options.until.is_some() {
                return Err(funding_only("--until"));
            }
            if options.series.is_some() {
                return Err(funding_only("--series"));
            }
            file.run().map(ConvictionReport::Referendum)
        }
    }
}
