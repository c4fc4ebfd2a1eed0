//! The fast path against the exact streaming path: on random files (amount
//! texts of every form, values near the `u128` limit, quoting, quoted
//! newlines, mixed-case addresses, every line ending, blank lines, a byte
//! order mark, bad rows) cut into random windows and parts, both give the
//! same votes, the same counts and the same error.

use std::io::Write;

use proptest::prelude::*;

use super::fast::{self, Mode, Split};
use super::*;
use crate::amount::AmountUnit;

/// Amount texts: plain decimals with 0-20 decimals, values near the
/// `u128` limit, and odd forms the exact parser accepts or refuses.
fn amount_text() -> impl Strategy<Value = String> {
    let plain =
        (any::<u64>(), 0usize..=20, any::<u64>(), 0u32..20).prop_map(|(int, d, frac, cut)| {
            let int = int / 10u64.pow(cut);
            if d == 0 {
                int.to_string()
            } else {
                let frac = frac % 10u64.pow(d.min(19) as u32);
                format!("{int}.{frac:0>d$}")
            }
        });
    let near_max = (0u128..1_000_000, 0usize..=39, any::<bool>()).prop_map(|(below, point, up)| {
        let v = if up {
            u128::MAX.to_string() + "0"
        } else {
            (u128::MAX - below).to_string()
        };
        let point = point.min(v.len());
        if point == 0 {
            v
        } else {
            format!("{}.{}", &v[..v.len() - point], &v[v.len() - point..])
        }
    });
    let odd = prop::sample::select(vec![
        "",
        " 1",
        "1 ",
        "+1",
        "-0",
        "-1",
        ".5",
        "5.",
        "1e3",
        "1E-18",
        "2.5e-1",
        "0x10",
        "1_000",
        "1.2.3",
        "00001.000",
        "NaN",
        "1e40",
        "0.0000000000000000001",
        "١",
        "\u{a0}7",
        "07",
        "0",
        "0.",
        "18446744073709551615",
        "18446744073709551616.5",
        "9999999999999999999.9999999999999999999",
        "12x",
    ])
    .prop_map(str::to_string);
    let chars = "[0-9.eE+ -]{0,24}";
    prop_oneof![4 => plain, 2 => near_max, 2 => odd, 1 => chars]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Voters are what `Voter::new` makes of the text.
    #[test]
    fn fast_voters_equal_voter_new(text in "(0[xX])?[0-9a-fA-FgG ]{0,70}") {
        let t = text.trim();
        let mut lower = String::new();
        prop_assert_eq!(fast::voter(t, &mut lower), Voter::new(t));
    }
}

/// A voter field: one of a few addresses in any letter case, a name, or
/// something odd.
fn voter_text(clean: bool) -> impl Strategy<Value = String> {
    const HEX: [&str; 4] = [
        "0x9e3779b97f4a7c1503a30d050e49d5e98aca8b4a",
        "0x3c6ef372fe94f82a5f285bb0a83cdfc42f5ba848",
        "0xdaa66d2c7ddf743f4c93a4df53bcc7b093d69afb",
        "0x00000000000000004dbbbb0762d879ce5c920923",
    ];
    let address = (0..HEX.len(), any::<u64>()).prop_map(|(i, mask)| {
        HEX[i]
            .chars()
            .enumerate()
            .map(|(k, c)| {
                if mask >> (k % 64) & 1 == 1 {
                    c.to_ascii_uppercase()
                } else {
                    c
                }
            })
            .collect::<String>()
    });
    let names = prop::sample::select(vec!["Alice", "alice", " bob ", "0xAB", "0XaB", "0x", "é𝔘"])
        .prop_map(str::to_string);
    let odd = prop::sample::select(vec!["", "  ", "\u{a0}0xab", "a\"b"]).prop_map(str::to_string);
    if clean {
        prop_oneof![4 => address, 1 => names].boxed()
    } else {
        prop_oneof![6 => address, 2 => names, 1 => odd].boxed()
    }
}

fn choice_text(clean: bool) -> impl Strategy<Value = String> {
    let good = prop::sample::select(vec![
        "For",
        "for",
        "AGAINST",
        "Abstain",
        "1",
        "2",
        "3",
        "7",
        "0",
        "007",
        " 2 ",
        "For;Against",
        "[1]",
        "[2,1]",
        "4294967296",
        "99999999999",
    ]);
    let bad = prop::sample::select(vec!["Maybe", "", "{\"1\": 1}", "[x"]);
    let s = if clean {
        good.boxed()
    } else {
        prop_oneof![6 => good, 1 => bad].boxed()
    };
    s.prop_map(str::to_string)
}

fn created_text(clean: bool) -> impl Strategy<Value = String> {
    // Few distinct times: equal times of one voter are common.
    let number = (0u64..12).prop_map(|n| (1_700_000_000 + n).to_string());
    let iso = Just("2022-05-15T05:14:33.000Z".to_string());
    if clean {
        prop_oneof![8 => number, 1 => Just(String::new())].boxed()
    } else {
        prop_oneof![8 => number, 1 => Just(String::new()), 1 => iso].boxed()
    }
}

/// One generated file and how to read it.
#[derive(Debug)]
struct Case {
    bytes: Vec<u8>,
    decimals: u8,
    shape: ChoiceShape,
    proposal_id: Option<&'static str>,
    attributes: bool,
}

/// A row: voter, choice, weight, created, proposal, conviction.
type Row = (String, String, String, String, String, String);

fn row(clean: bool) -> impl Strategy<Value = Row> {
    (
        voter_text(clean),
        choice_text(clean),
        if clean {
            (any::<u32>(), 0usize..=18)
                .prop_map(|(n, d)| {
                    let s = format!("{n:0>width$}", width = d + 1);
                    if d == 0 {
                        s
                    } else {
                        format!("{}.{}", &s[..s.len() - d], &s[s.len() - d..])
                    }
                })
                .boxed()
        } else {
            amount_text().boxed()
        },
        created_text(clean),
        prop::sample::select(vec!["1", "1.0", "01", "2"]).prop_map(str::to_string),
        prop::sample::select(vec!["", "1", " 6x ", "null"]).prop_map(str::to_string),
    )
}

fn case(clean: bool) -> impl Strategy<Value = Case> {
    let columns = (
        Just(vec!["voter", "choice"]),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(mut cols, w, c, p, a)| {
            if w {
                cols.push("weight");
            }
            if c {
                cols.push("created");
            }
            if p {
                cols.push("proposal");
            }
            if a {
                cols.push("conviction");
            }
            cols
        })
        .prop_shuffle();
    // A bad row now and then: most files still read.
    let any_row = if clean {
        row(true).boxed()
    } else {
        prop_oneof![12 => row(true), 1 => row(false)].boxed()
    };
    let rows = prop::collection::vec(
        (
            any_row,
            prop::collection::vec(0u8..=255, 6),
            0u8..=255,
            0u8..=255,
        ),
        0..40,
    );
    (
        columns,
        rows,
        0u8..3,
        any::<bool>(),
        any::<bool>(),
        0u8..=20,
        0u8..8,
        0u8..4,
        any::<bool>(),
    )
        .prop_map(
            move |(cols, rows, ending, bom, final_newline, decimals, shape, pid, attributes)| {
                let endings = ["\n", "\r\n", "\r"];
                let mut text = String::new();
                if bom {
                    text.push('\u{feff}');
                }
                text.push_str(&cols.join(","));
                for (row, quote, eol, extra) in rows {
                    let mixed = ending == 2 && !clean && extra % 7 == 0;
                    let eol = if mixed {
                        endings[usize::from(eol % 3)]
                    } else {
                        endings[usize::from(ending)]
                    };
                    text.push_str(eol);
                    if extra % 5 == 0 {
                        // A blank line.
                        text.push_str(eol);
                    }
                    let fields: Vec<String> = cols
                        .iter()
                        .enumerate()
                        .map(|(k, col)| {
                            let mut v = match *col {
                                "voter" => row.0.clone(),
                                "choice" => row.1.clone(),
                                "weight" => row.2.clone(),
                                "created" => row.3.clone(),
                                "proposal" => row.4.clone(),
                                _ => row.5.clone(),
                            };
                            let must = v.contains([',', '\n', '\r']);
                            if must || quote[k % 6] % 4 == 0 {
                                if quote[k % 6] % 8 == 0 && *col == "voter" {
                                    // A quoted newline.
                                    v.push_str(endings[usize::from(ending)]);
                                }
                                v = format!("\"{}\"", v.replace('"', "\"\""));
                            }
                            v
                        })
                        .collect();
                    let mut line = fields.join(",");
                    if !clean && extra % 31 == 0 {
                        // One field too few.
                        if let Some(i) = line.rfind(',') {
                            line.truncate(i);
                        }
                    }
                    text.push_str(&line);
                }
                if final_newline {
                    text.push_str(endings[usize::from(ending)]);
                }
                Case {
                    bytes: text.into_bytes(),
                    decimals,
                    shape: match shape {
                        0 => ChoiceShape::List,
                        1 => ChoiceShape::Fractional,
                        _ => ChoiceShape::Single,
                    },
                    proposal_id: match pid {
                        0 => Some("1"),
                        _ => None,
                    },
                    attributes,
                }
            },
        )
}

/// Any cut, the file read or mapped.
fn split() -> impl Strategy<Value = Split> {
    (1usize..=4, 1usize..=64, 1usize..=200, any::<bool>()).prop_map(
        |(parts, min_part, block, map)| Split {
            parts,
            min_part,
            block,
            map: Some(map),
        },
    )
}

/// A comparable form of a read.
fn shown(r: &Result<VoteSet>) -> std::result::Result<(Vec<Vote>, u64, u64), String> {
    match r {
        Ok(set) => Ok((set.votes.clone(), set.read, set.replaced)),
        Err(e) => Err(e.to_string()),
    }
}

fn with_file<T>(case: &Case, f: impl FnOnce(&Path, &CsvVoteOptions<'_>) -> T) -> T {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("votes.csv");
    std::fs::File::create(&path)
        .unwrap()
        .write_all(&case.bytes)
        .unwrap();
    let columns = VoteColumns::default();
    let choices = Choices::basic();
    let attributes: &[&'static str] = if case.attributes {
        &["conviction"]
    } else {
        &[]
    };
    let opts = CsvVoteOptions {
        columns: &columns,
        unit: AmountUnit::Token,
        decimals: case.decimals,
        proposal_id: case.proposal_id,
        choices: &choices,
        shape: case.shape,
        attributes,
    };
    f(&path, &opts)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    /// Any file, any split: the same votes or the same error.
    #[test]
    fn fast_reads_equal_streaming_reads(case in case(false), split in split()) {
        with_file(&case, |path, opts| {
            let exact = shown(&read_streaming(path, opts));
            prop_assert_eq!(shown(&read_split(path, opts, split)), exact.clone());
            // One part, one window: the same again.
            let whole = Split { parts: 1, min_part: 1 << 30, block: 1 << 30, map: Some(!split.map.unwrap_or(false)) };
            prop_assert_eq!(shown(&read_split(path, opts, whole)), exact);
            let all = |r: Result<Vec<ProposalVotes>>| match r {
                Ok(list) => Ok(list
                    .into_iter()
                    .map(|(id, votes)| (id, shown(&votes)))
                    .collect::<Vec<_>>()),
                Err(e) => Err(e.to_string()),
            };
            prop_assert_eq!(
                all(read_all_split(path, opts, split)),
                all(read_all_streaming(path, opts))
            );
            Ok(())
        })?;
    }

    /// Files without errors (quoting, quoted newlines, line endings,
    /// blank lines and mixed-case addresses included) are taken by the
    /// fast path, whatever the split, and read as the streaming path reads
    /// them.
    #[test]
    fn clean_files_take_the_fast_path(case in case(true), split in split()) {
        with_file(&case, |path, opts| {
            let exact = read_streaming(path, opts);
            let Ok(exact_set) = &exact else {
                // Several proposals without `proposal_id`: an error, which
                // the fast path leaves to the streaming path.
                prop_assert!(fast::read(path, opts, Mode::One, split).is_none());
                return Ok(());
            };
            let rows = fast::read(path, opts, Mode::One, split);
            prop_assert!(rows.is_some(), "the fast path refused a clean file");
            prop_assert_eq!(shown(&read_split(path, opts, split)), shown(&exact));
            prop_assert_eq!(exact_set.read as usize, rows.map_or(0, |r| r.votes.len()));
            Ok(())
        })?;
    }
}

#[test]
fn splits_land_on_record_boundaries_and_keep_line_numbers() {
    let text =
        "voter,choice,weight\r\n0xAA,For,1\r\n\r\n\"0x\r\nbb\",2,2.5\r\n0xcc,\"Against\",3\r\n";
    let case = Case {
        bytes: text.as_bytes().to_vec(),
        decimals: 18,
        shape: ChoiceShape::Single,
        proposal_id: None,
        attributes: false,
    };
    with_file(&case, |path, opts| {
        for (parts, map) in (1..=4).flat_map(|p| [(p, false), (p, true)]) {
            for block in 1..=text.len() {
                let split = Split {
                    parts,
                    min_part: 1,
                    block,
                    map: Some(map),
                };
                let set = read_split(path, opts, split).unwrap();
                let lines: Vec<u64> = set.votes.iter().map(|v| v.line).collect();
                assert_eq!(lines, [2, 4, 6], "parts {parts}, block {block}, map {map}");
                assert!(fast::read(path, opts, Mode::One, split).is_some());
            }
        }
    });
}

/// A file several release blocks long, mapped and taken in windows that
/// each give back what they passed: every vote as the streaming reader
/// reads it, each on the line counted by hand (row k on line k + 2), and
/// the voter of row k the one written there.
#[test]
fn a_mapped_file_read_in_windows_gives_every_vote() {
    let rows = 20_000;
    let mut text = String::from("voter,choice,weight,created\n");
    for k in 0..rows {
        text.push_str(&format!(
            "0x{k:040x},{},{}.5,{}\n",
            1 + k % 2,
            k % 97,
            1_700_000_000 + k
        ));
    }
    assert!(text.len() > 10 * (64 << 10), "several release blocks");
    let case = Case {
        bytes: text.into_bytes(),
        decimals: 18,
        shape: ChoiceShape::Single,
        proposal_id: None,
        attributes: false,
    };
    with_file(&case, |path, opts| {
        let exact = read_streaming(path, opts).unwrap();
        assert_eq!(exact.votes.len(), rows);
        for (parts, block) in [(1, 100_000), (2, 70_000), (2, 1 << 20)] {
            let split = Split {
                parts,
                min_part: 1,
                block,
                map: Some(true),
            };
            let set = read_split(path, opts, split).unwrap();
            assert_eq!(set.votes, exact.votes, "parts {parts}, block {block}");
            for (k, v) in set.votes.iter().enumerate() {
                assert_eq!(v.line, k as u64 + 2);
                assert_eq!(
                    v.voter.as_ref().map(|v| v.as_str().to_string()),
                    Some(format!("0x{k:040x}"))
                );
            }
            assert!(fast::read(path, opts, Mode::One, split).is_some());
        }
    });
}
