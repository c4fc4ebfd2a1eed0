//! Holder snapshots: the token distribution at the proposal's snapshot block.
//!
//! CSV with an address and a balance column (names configurable), or JSON:
//! an object `{"0xabc…": "12.5", …}` or a list `[{"address": …, "balance": …}]`.
//! An address listed twice is an error: a snapshot has one balance per holder.

use std::path::PathBuf;

pub(crate) mod plain_csv;

use csv::StringRecord;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::csv_file::CsvFile;
use super::parse_amount;
use crate::amount::{Amount, AmountUnit};
use crate::error::{Error, Location, Result};
pub use crate::holders::Holders;
use crate::holders::NotAdded;
use crate::vote::Voter;

/// Where and how to read a holder snapshot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoldersSource {
    /// The file.
    pub path: PathBuf,
    /// `csv` or `json`; by default from the file name's extension.
    pub json: bool,
    /// Address column (default: address, holder, account, voter, member).
    pub address_column: Option<String>,
    /// Balance column (default: balance, amount, amount_wei, tokens, vp).
    pub balance_column: Option<String>,
    /// How balances are written. `None`: base units if the balance column's
    /// name ends in `_wei` (wei are base units by definition), else tokens.
    pub unit: Option<AmountUnit>,
}

impl HoldersSource {
    /// A CSV or JSON file (by extension) with default columns.
    pub fn new(path: impl Into<PathBuf>) -> HoldersSource {
        let path = path.into();
        let json = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        HoldersSource {
            path,
            json,
            address_column: None,
            balance_column: None,
            unit: None,
        }
    }
}

impl Holders {
    /// Reads a snapshot file.
    pub fn read(source: &HoldersSource, decimals: u8) -> Result<Holders> {
        if source.json {
            read_json(source, decimals)
        } else {
            read_csv(source, decimals)
        }
    }
}

fn add(h: &mut Holders, voter: Voter, amount: Amount, at: Location) -> Result<()> {
    let address = voter.to_string();
    h.insert(voter, amount).map_err(|why| match why {
        NotAdded::Duplicate => Error::input(at, format!("holder {address} is listed twice")),
        _ => Error::overflow(Some(at), why.what()),
    })
}

fn read_csv(source: &HoldersSource, decimals: u8) -> Result<Holders> {
    read_csv_with(source, decimals, true)
}

/// `plain`: try the fast path first (tests compare with `false`).
fn read_csv_with(source: &HoldersSource, decimals: u8, plain: bool) -> Result<Holders> {
    let path = source.path.as_path();
    let mut csv = CsvFile::open(path)?;
    let address_col = csv.required_column(
        source.address_column.as_deref(),
        &["address", "holder", "account", "voter", "member"],
    )?;
    let balance_col = csv.required_column(
        source.balance_column.as_deref(),
        &["balance", "amount", "amount_wei", "tokens", "vp"],
    )?;
    let unit = source.unit.unwrap_or_else(|| {
        if csv.name(balance_col).to_ascii_lowercase().ends_with("_wei") {
            AmountUnit::Base
        } else {
            AmountUnit::Token
        }
    });
    if plain {
        let fields = csv.names().len();
        if let Some(h) = read_plain(source, fields, address_col, balance_col, unit, decimals) {
            return Ok(h);
        }
    }
    let mut holders = Holders::default();
    let mut record = StringRecord::new();
    while let Some(line) = csv.next_record(&mut record)? {
        let at = |col: usize| csv.at(line, col);
        let address = record[address_col].trim();
        if address.is_empty() {
            return Err(Error::input(at(address_col), "the address is empty"));
        }
        let amount = parse_amount(&record[balance_col], unit, decimals, || at(balance_col))?;
        add(&mut holders, Voter::new(address), amount, at(address_col))?;
    }
    Ok(holders)
}

/// The fast path for plain files ([`plain_csv`]): the same rows, or `None`
/// at the first thing it does not cover (an empty address, a bad amount, a
/// holder listed twice, an overflowing total included), in which case the
/// careful reader above reports it.
fn read_plain(
    source: &HoldersSource,
    fields: usize,
    address_col: usize,
    balance_col: usize,
    unit: AmountUnit,
    decimals: u8,
) -> Option<Holders> {
    // The rows are only gathered while the file is read; the index is
    // built at the end, on two threads.
    let (mut voters, mut amounts) = (Vec::new(), Vec::new());
    plain_csv::read(
        &source.path,
        fields,
        |cells, _| {
            let address = cells[address_col].trim();
            if address.is_empty() {
                return None;
            }
            let amount = Amount::parse(cells[balance_col], unit, decimals).ok()?;
            Some((Voter::new(address), amount))
        },
        |rows, estimate| {
            if voters.is_empty() {
                voters.reserve(estimate);
                amounts.reserve(estimate);
            }
            for (voter, amount) in rows.drain(..) {
                voters.push(voter);
                amounts.push(amount);
            }
            Some(())
        },
    )?;
    Holders::from_columns(voters, amounts).ok()
}

fn read_json(source: &HoldersSource, decimals: u8) -> Result<Holders> {
    #[derive(Deserialize)]
    struct Row<'a> {
        #[serde(alias = "holder", alias = "account")]
        address: String,
        #[serde(borrow, alias = "amount")]
        balance: &'a RawValue,
    }
    let path = source.path.as_path();
    let text = super::file_text::load_json(path)?;
    let json_error =
        |e: serde_json::Error| Error::input(Location::line(path, e.line() as u64), e.to_string());
    let unit = source.unit.unwrap_or(AmountUnit::Token);
    let mut holders = Holders::with_capacity(text.len() / 64);
    let mut push = |address: &str, raw: &RawValue| -> Result<()> {
        let line = 1 + text[..offset_in(&text, raw.get())].matches('\n').count() as u64;
        let at = Location::line(path, line).with_field(address.to_string());
        let amount = parse_amount(raw.get().trim_matches('"'), unit, decimals, || at.clone())?;
        add(&mut holders, Voter::new(address), amount, at)
    };
    if text.trim_start().starts_with('[') {
        let rows: Vec<Row<'_>> = serde_json::from_str(&text).map_err(json_error)?;
        for row in &rows {
            push(&row.address, row.balance)?;
        }
    } else {
        let object: BorrowedObject<'_> = serde_json::from_str(&text).map_err(json_error)?;
        for (address, raw) in object.0 {
            push(&address, raw)?;
        }
    }
    Ok(holders)
}

/// A JSON object read in document order with values borrowed as raw text.
struct BorrowedObject<'a>(Vec<(String, &'a RawValue)>);

impl<'de: 'a, 'a> Deserialize<'de> for BorrowedObject<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Visit<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for Visit<'a> {
            type Value = BorrowedObject<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object of address: balance")
            }
            fn visit_map<M: serde::de::MapAccess<'de>>(
                self,
                mut m: M,
            ) -> std::result::Result<Self::Value, M::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = m.next_entry::<String, &'de RawValue>()? {
                    out.push((k, v));
                }
                Ok(BorrowedObject(out))
            }
        }
        d.deserialize_map(Visit(std::marker::PhantomData))
    }
}

fn offset_in(text: &str, slice: &str) -> usize {
    (slice.as_ptr() as usize)
        .saturating_sub(text.as_ptr() as usize)
        .min(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn write(name: &str, content: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::File::create(&path)
            .unwrap()
            .write_all(content.as_bytes())
            .unwrap();
        (dir, path)
    }

    #[test]
    fn wei_columns_are_base_units() {
        let (_d, p) = write(
            "h.csv",
            "index,address,amount_wei\n0,0xA,400000000000000000000\n1,0xB,1\n",
        );
        let h = Holders::read(&HoldersSource::new(&p), 18).unwrap();
        assert_eq!(h.len(), 2);
        assert_eq!(h.balance(&Voter::new("0xa")).to_tokens_string(18), "400");
        assert_eq!(h.total().base_units(), 400_000_000_000_000_000_001);
    }

    #[test]
    fn json_object_and_list_read_exactly() {
        let (_d, p) = write("h.json", "{\"0xA\": \"1.5\",\n \"0xB\": 2}");
        let h = Holders::read(&HoldersSource::new(&p), 2).unwrap();
        assert_eq!(h.total().base_units(), 350);
        let (_d, p) = write("l.json", "[{\"address\": \"0xA\", \"balance\": 0.25}]");
        let h = Holders::read(&HoldersSource::new(&p), 2).unwrap();
        assert_eq!(h.total().base_units(), 25);
    }

    use proptest::prelude::*;

    /// A holder file line: mostly plain, sometimes quoted, padded, upper
    /// case, empty, repeated or broken.
    fn cell() -> impl Strategy<Value = String> {
        prop_oneof![
            8 => (0u32..100_000).prop_map(|i| format!("0x{:040x}", i)),
            1 => (0u32..100_000).prop_map(|i| format!("0x{:040X}", i)),
            1 => (0u32..100_000).prop_map(|i| format!(" 0x{:040x} ", i)),
            1 => (0u32..100_000).prop_map(|i| format!("\"0x{:040x}\"", i)),
            1 => Just(String::new()),
            1 => (0u32..5).prop_map(|i| format!("name{i}")),
        ]
    }

    fn amount() -> impl Strategy<Value = String> {
        prop_oneof![
            6 => any::<u64>().prop_map(|v| v.to_string()),
            2 => any::<u128>().prop_map(|v| v.to_string()),
            2 => (u128::MAX - 1000..=u128::MAX).prop_map(|v| v.to_string()),
            1 => (any::<u32>(), 0u32..100_000).prop_map(|(a, b)| format!("{a}.{b}")),
            1 => Just("1e3".to_string()),
            1 => Just(" 7 ".to_string()),
            1 => Just("-1".to_string()),
            1 => Just(".5".to_string()),
            1 => Just("x".to_string()),
            1 => Just("340282366920938463463374607431768211456".to_string()),
        ]
    }

    fn file() -> impl Strategy<Value = String> {
        let line = prop_oneof![
            12 => (cell(), amount()).prop_map(|(a, b)| format!("{a},{b}")),
            1 => (cell(), amount()).prop_map(|(a, b)| format!("{a},{b},extra")),
            1 => Just(String::new()),
        ];
        (
            prop::collection::vec(line, 0..30),
            any::<bool>(),
            any::<bool>(),
            prop_oneof![
                Just("address,balance"),
                Just("address,amount_wei"),
                Just("x,address,balance")
            ],
        )
            .prop_map(|(lines, crlf, last_newline, header)| {
                let end = if crlf { "\r\n" } else { "\n" };
                let lines: Vec<String> = if header.starts_with("x,") {
                    lines.iter().map(|l| format!("1,{l}")).collect()
                } else {
                    lines
                };
                let mut text = format!("{header}{end}{}", lines.join(end));
                if last_newline {
                    text.push_str(end);
                }
                text
            })
    }

    proptest! {
        /// The plain fast path reads what the careful reader reads (the same
        /// holders in the same order, the same total), and gives up where
        /// the careful reader fails.
        #[test]
        fn plain_path_equals_the_careful_reader(text in file(), decimals in 0u8..20) {
            let (_d, p) = write("h.csv", &text);
            let source = HoldersSource::new(&p);
            let careful = read_csv_with(&source, decimals, false);
            let fast = read_csv_with(&source, decimals, true);
            match (careful, fast) {
                (Ok(a), Ok(b)) => {
                    prop_assert_eq!(a.total(), b.total());
                    let a: Vec<_> = a.iter().map(|(v, x)| (v.clone(), x)).collect();
                    let b: Vec<_> = b.iter().map(|(v, x)| (v.clone(), x)).collect();
                    prop_assert_eq!(a, b);
                }
                (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
                (a, b) => prop_assert!(false, "careful {:?}, fast {:?}", a.map(|h| h.len()), b.map(|h| h.len())),
            }
        }
    }

    #[test]
    fn duplicate_holder_is_an_error_with_line() {
        let (_d, p) = write("h.csv", "address,balance\n0xA,1\n0xa,2\n");
        let err = Holders::read(&HoldersSource::new(&p), 0)
            .unwrap_err()
            .to_string();
        assert!(
            err.ends_with("h.csv line 3: field 'address': holder 0xa is listed twice"),
            "{err}"
        );
    }
}
