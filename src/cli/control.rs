//! `govkit control HOLDERS [--proposal PROPOSAL.toml]`: how few holders
//! decide. Concentration measures, power indices and decisive sets; all
//! the work is in `govkit::control`, this file reads files and formats.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::ValueEnum;
use govkit::control::{
    self, approx, fraction_string, rounded_decimal, Distribution, ExactLimits, ProposalControl,
    Resolution, ScaledGame, Threshold,
};
use govkit::{AmountUnit, Holders, HoldersSource, Power, Proposal, Voter};
use num_bigint::BigInt;
use num_rational::BigRational;
use serde_json::{json, Value};

/// Output formats of `govkit control`.
#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum ControlFormat {
    /// A report for people.
    Table,
    /// One JSON object.
    Json,
    /// Long-form CSV: section,key,value,exact,error.
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
enum UnitArg {
    /// Whole tokens ("12.5").
    Token,
    /// Integer base units (wei).
    Base,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum IndicesMode {
    /// Exact if the game fits the limits, else approximate.
    Auto,
    /// Exact counting (refused if the game is too large).
    Exact,
    /// Monte Carlo with a Hoeffding bound.
    Approx,
    /// No power indices.
    None,
}

/// Flags of `govkit control`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// Holder snapshot (CSV `address,balance` or JSON). Optional with
    /// --proposal: then the proposal's [holders], else its votes.
    #[arg(required_unless_present = "proposal")]
    holders: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ControlFormat::Table)]
    format: ControlFormat,
    /// The token's decimals.
    #[arg(long, default_value_t = 18)]
    decimals: u8,
    /// How balances are written (default: base units if the balance column
    /// ends in _wei, else tokens).
    #[arg(long, value_enum)]
    unit: Option<UnitArg>,
    /// Address column of the holders CSV.
    #[arg(long)]
    address_column: Option<String>,
    /// Balance column of the holders CSV.
    #[arg(long)]
    balance_column: Option<String>,
    /// Nakamoto thresholds: ">1/2" (more than), ">=2/3" (at least); no sign
    /// means more than. Repeat or separate with commas.
    #[arg(long, value_delimiter = ',', default_value = ">1/2", value_parser = parse_threshold)]
    threshold: Vec<Threshold>,
    /// Top-k shares to report.
    #[arg(long, value_delimiter = ',', default_value = "1,10,100")]
    top: Vec<usize>,
    /// Lorenz curve points (population steps of 1/N).
    #[arg(long, default_value_t = 10)]
    lorenz_points: usize,
    /// Power indices: auto, exact, approx or none.
    #[arg(long, value_enum, default_value_t = IndicesMode::Auto)]
    indices: IndicesMode,
    /// The quota of the weighted voting game, as a threshold of the total.
    #[arg(long, default_value = ">1/2", value_parser = parse_threshold)]
    quota: Threshold,
    /// Exact mode: "exact" (weights divided by their gcd, no rounding) or N
    /// (weights scaled to a total of about N units, rounded half up).
    #[arg(long, default_value = "exact", value_parser = parse_resolution)]
    resolution: Resolution,
    /// How many of the largest holders to list power indices for.
    #[arg(long, default_value_t = 100)]
    players: usize,
    /// Approximate mode: the error bound of each index.
    #[arg(long, default_value_t = 0.01)]
    epsilon: f64,
    /// Approximate mode: the probability that any bound fails.
    #[arg(long, default_value_t = 0.01)]
    delta: f64,
    /// Approximate mode: the PRNG seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// A proposal file: report the decisive sets of its voters.
    #[arg(long)]
    proposal: Option<PathBuf>,
    /// Delegations (csv, governor events or Decentraland members.csv): the
    /// metrics are computed on the power after delegation, with the holders'
    /// own balances as `before_delegation`.
    #[arg(long, requires = "holders")]
    delegations: Option<PathBuf>,
    /// Delegation policy: one-hop, transitive[:N], liquid[:N], snapshot,
    /// openzeppelin, ...
    #[arg(long, default_value = "one-hop")]
    policy: String,
}

fn parse_threshold(s: &str) -> Result<Threshold, String> {
    s.parse()
        .map_err(|e: control::ThresholdError| e.to_string())
}

fn parse_resolution(s: &str) -> Result<Resolution, String> {
    if s.eq_ignore_ascii_case("exact") {
        return Ok(Resolution::Exact);
    }
    s.replace('_', "")
        .parse::<u64>()
        .ok()
        .filter(|&n| n > 0)
        .map(Resolution::Total)
        .ok_or_else(|| {
            format!("{s:?} is not a resolution: write \"exact\" or a positive total such as 100000")
        })
}

/// The indices as computed, for output.
struct Indices {
    mode: &'static str,
    notes: Vec<String>,
    extra: Value,
    banzhaf: Vec<Value>,
    shapley_shubik: Vec<Value>,
}

pub(crate) fn run(args: Args) -> govkit::Result<String> {
    let prepared = match &args.proposal {
        Some(p) => Some(Proposal::load(p)?.prepare()?),
        None => None,
    };
    let decimals = prepared.as_ref().map_or(args.decimals, |p| p.decimals);
    // The distribution: holders file, else the proposal's holders, else the
    // powers of its votes. Extension point for delegation: powers after
    // delegation replace these balances here.
    let file_holders = match &args.holders {
        Some(path) => {
            let mut src = HoldersSource::new(path);
            src.address_column = args.address_column.clone();
            src.balance_column = args.balance_column.clone();
            src.unit = args.unit.map(|u| match u {
                UnitArg::Token => AmountUnit::Token,
                UnitArg::Base => AmountUnit::Base,
            });
            // A Decentraland members export holds each member's own voting
            // power (by asset) rather than a balance column.
            let members = matches!(
                govkit::io::delegations::DelegationFormat::detect(path),
                Ok(govkit::io::delegations::DelegationFormat::DecentralandMembers)
            );
            if members && args.balance_column.is_none() {
                Some(govkit::io::delegations::MembersExport::read(path, decimals)?.holders)
            } else {
                Some(Holders::read(&src, decimals)?)
            }
        }
        None => None,
    };
    let snapshot = file_holders
        .as_ref()
        .or_else(|| prepared.as_ref().and_then(|p| p.holders.as_ref()));
    let vote_powers: Vec<(String, u128)> = match (snapshot, &prepared) {
        (None, Some(p)) => ProposalControl::analyze(p)?
            .voters
            .iter()
            .enumerate()
            .map(|(i, (v, p))| (v.as_ref().map_or(format!("vote#{i}"), Voter::to_string), *p))
            .collect(),
        _ => Vec::new(),
    };
    let source = match (&args.holders, snapshot) {
        (Some(path), _) => path.display().to_string(),
        (None, Some(_)) => "the proposal's [holders]".to_string(),
        (None, None) => "the proposal's votes (power cast)".to_string(),
    };
    let delegations = match &args.delegations {
        Some(path) => Some(govkit::io::delegations::read(
            &govkit::io::delegations::DelegationSource::new(path),
        )?),
        None => None,
    };
    let policy: govkit::delegation::Policy = args
        .policy
        .parse()
        .map_err(|e: govkit::delegation::PolicyError| govkit::Error::invalid(e.to_string()))?;
    let resolution = match (snapshot, &delegations) {
        (Some(h), Some(d)) => Some(govkit::delegation::resolve(h, d, &policy, None)?),
        _ => None,
    };
    let mut pairs: Vec<(&str, u128)> = match (snapshot, &resolution) {
        (_, Some(r)) => r
            .final_powers()
            .map(|(v, a)| (v.as_str(), a.base_units()))
            .collect(),
        (Some(h), None) => h
            .iter()
            .map(|(v, a)| (v.as_str(), a.base_units()))
            .collect(),
        (None, None) => vote_powers.iter().map(|(v, p)| (v.as_str(), *p)).collect(),
    };
    let dist = Distribution::new(pairs.iter().map(|p| p.1).collect())?;
    let before = match (&resolution, snapshot) {
        (Some(r), Some(h)) => {
            let d = Distribution::new(h.iter().map(|(_, a)| a.base_units()).collect())?;
            Some(json!({
                "holders": d.len(),
                "nakamoto": args.threshold.iter().map(|t| json!({
                    "threshold": t.share.to_string(),
                    "strict": t.strict,
                    "k": d.nakamoto(t),
                })).collect::<Vec<_>>(),
                "gini": d.gini().map(|g| rounded_decimal(&g, 9)),
                "policy": policy.to_string(),
                "delegated_share": rounded_decimal(r.delegated_share().as_rational(), 9),
            }))
        }
        _ => None,
    };
    // Names are needed for the largest holders only: select, then sort them
    // (largest first, ties by address).
    let listed = args.players.min(pairs.len());
    let by_size = |a: &(&str, u128), b: &(&str, u128)| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0));
    if listed > 0 && listed < pairs.len() {
        pairs.select_nth_unstable_by(listed - 1, by_size);
    }
    pairs.truncate(listed);
    pairs.sort_by(by_size);
    let holders = pairs;
    let fmt_power = |p: u128| Power::from_units(p).to_decimal_string(decimals);

    let mut out = serde_json::Map::new();
    out.insert("source".into(), json!(source));
    out.insert("holders".into(), json!(dist.len()));
    out.insert("zero_balances".into(), json!(dist.zeros()));
    out.insert("total".into(), json!(fmt_power(dist.total())));
    out.insert("decimals".into(), json!(decimals));
    if let Some(b) = before {
        out.insert("before_delegation".into(), b);
    }
    let nakamoto: Vec<Value> = args
        .threshold
        .iter()
        .map(|t| {
            json!({
                "threshold": t.share.to_string(),
                "strict": t.strict,
                "comparison": t.to_string(),
                "k": dist.nakamoto(t),
            })
        })
        .collect();
    out.insert("nakamoto".into(), Value::Array(nakamoto));
    let top: Vec<Value> = args
        .top
        .iter()
        .map(|&k| {
            let s = dist.top_share(k);
            json!({
                "k": k,
                "power": fmt_power(dist.top_power(k)),
                "share": s.as_ref().map(|s| rounded_decimal(s, 9)),
                "exact": s.as_ref().map(fraction_string),
            })
        })
        .collect();
    out.insert("top_shares".into(), Value::Array(top));
    out.insert(
        "gini".into(),
        dist.gini().map_or(Value::Null, |g| {
            json!({
                "value": rounded_decimal(&g, 9),
                "exact": fraction_string(&g),
                "zero_balances_included": true,
                "form": "population: 2·Σ i·x_i / (n·S) − (n+1)/n, x ascending, every listed holder",
            })
        }),
    );
    out.insert(
        "hhi".into(),
        match (dist.hhi(), dist.effective_holders()) {
            (Some(h), Some(e)) => json!({
                "value": rounded_decimal(&h, 9),
                "exact": fraction_string(&h),
                "points": rounded_decimal(&(h.clone() * BigRational::from_integer(10_000.into())), 2),
                "effective_holders": rounded_decimal(&e, 3),
                "effective_holders_exact": fraction_string(&e),
            }),
            _ => Value::Null,
        },
    );
    out.insert("entropy_bits".into(), json!(dist.entropy_bits()));
    out.insert("theil_t".into(), json!(dist.theil_t()));
    let n = dist.len().max(1);
    let lorenz: Vec<Value> = dist
        .lorenz(args.lorenz_points)
        .iter()
        .map(|p| {
            json!({
                "holders": p.holders,
                "population": rounded_decimal(&BigRational::new(p.holders.into(), n.into()), 6),
                "power": fmt_power(p.power),
                "share": if dist.total() > 0 {
                    rounded_decimal(&BigRational::new(p.power.into(), dist.total().into()), 9)
                } else { "0".to_string() },
            })
        })
        .collect();
    out.insert("lorenz".into(), Value::Array(lorenz));

    let indices = power_indices(&args, &holders, &dist, decimals)?;
    if let Some(ix) = &indices {
        let mut pi = serde_json::Map::new();
        pi.insert("mode".into(), json!(ix.mode));
        pi.insert("quota".into(), json!(args.quota.to_string()));
        if let Value::Object(extra) = &ix.extra {
            pi.extend(extra.clone());
        }
        pi.insert("notes".into(), json!(ix.notes));
        out.insert("power_indices".into(), Value::Object(pi));
        out.insert("banzhaf".into(), Value::Array(ix.banzhaf.clone()));
        out.insert(
            "shapley_shubik".into(),
            Value::Array(ix.shapley_shubik.clone()),
        );
    }

    if let Some(p) = &prepared {
        let pc = ProposalControl::analyze(p)?;
        let pd = pc.power_decimals;
        let fmt = |x: u128| Power::from_units(x).to_decimal_string(pd);
        let name = |i: usize| {
            pc.voters[i]
                .0
                .as_ref()
                .map_or(format!("vote#{i}"), Voter::to_string)
        };
        out.insert(
            "proposal".into(),
            json!({
                "id": pc.report.id,
                "outcome": pc.report.outcome.as_str(),
                "votes": pc.voters.len(),
                "cast_power": fmt(pc.cast),
            }),
        );
        out.insert(
            "min_majority_voters".into(),
            match &pc.min_majority {
                Some(m) => json!({
                    "count": m.members.len(),
                    "comparison": "> 1/2 of the power cast",
                    "power": fmt(m.power),
                    "cast": fmt(pc.cast),
                    "addresses": m.members.iter().map(|&i| name(i)).collect::<Vec<_>>(),
                }),
                None => Value::Null,
            },
        );
        let names = p.choices.names();
        out.insert(
            "min_flip_voters".into(),
            match (&pc.switch, &pc.min_flip) {
                (Some((from, to)), Some(m)) => json!({
                    "count": m.members.len(),
                    "switch": format!("{} -> {}", names[*from], names[*to]),
                    "power": fmt(m.power),
                    "addresses": m.members.iter().map(|&i| name(i)).collect::<Vec<_>>(),
                }),
                (Some((from, to)), None) => json!({
                    "count": null,
                    "switch": format!("{} -> {}", names[*from], names[*to]),
                    "note": "no switch of these voters changes the outcome",
                }),
                (None, _) => json!({"count": null, "note": "the rules have no For/Against roles"}),
            },
        );
        out.insert(
            "margin".into(),
            json!(pc.margin.as_ref().map(|m| signed_power(m, pd))),
        );
        out.insert(
            "min_passing_voters".into(),
            match &pc.min_passing {
                Some(m) => json!({
                    "count": m.members.len(),
                    "comparison": "alone, all For: meets the quorum and passes under the proposal's rules",
                    "power": fmt(m.power),
                    "addresses": m.members.iter().map(|&i| name(i)).collect::<Vec<_>>(),
                }),
                None => Value::Null,
            },
        );
    }

    let out = Value::Object(out);
    Ok(match args.format {
        ControlFormat::Json => serde_json::to_string_pretty(&out).expect("serialisable") + "\n",
        ControlFormat::Csv => to_csv(&out),
        ControlFormat::Table => to_table(&out, indices.as_ref()),
    })
}

/// An exact power-unit rational as a token decimal (or fraction), signed.
fn signed_power(value: &BigRational, decimals: u8) -> String {
    let scale = BigRational::from_integer(BigInt::from(10u8).pow(u32::from(decimals)));
    let tokens = value / scale;
    let d = rounded_decimal(&tokens, usize::from(decimals));
    let trimmed = if d.contains('.') {
        d.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        d
    };
    if (tokens.clone() * BigRational::from_integer(BigInt::from(10u8).pow(u32::from(decimals))))
        .is_integer()
    {
        trimmed
    } else {
        fraction_string(&tokens)
    }
}

fn power_indices(
    args: &Args,
    holders: &[(&str, u128)],
    dist: &Distribution,
    decimals: u8,
) -> govkit::Result<Option<Indices>> {
    if args.indices == IndicesMode::None || dist.total() == 0 {
        return Ok(None);
    }
    let weights = dist.descending();
    let limits = ExactLimits::default();
    let listed = holders.len();
    let fmt_power = |p: u128| Power::from_units(p).to_decimal_string(decimals);
    let scaled = ScaledGame::new(weights, args.resolution, &args.quota);
    let fits = |s: &ScaledGame| {
        s.game.check_limits(&limits, true).is_ok() && s.game.check_limits(&limits, false).is_ok()
    };
    let exact = match args.indices {
        IndicesMode::Exact => {
            let s = scaled?;
            s.game.check_limits(&limits, false)?;
            s.game.check_limits(&limits, true)?;
            Some(s)
        }
        IndicesMode::Auto => scaled.ok().filter(fits),
        _ => None,
    };
    if let Some(s) = exact {
        let bz = s.game.banzhaf(&limits)?;
        let ss = s.game.shapley_shubik(&limits)?;
        let norm = bz.normalized();
        let abs = bz.absolute();
        let mut notes = vec![
            "exact for the integer game below: error 0".to_string(),
            "index (banzhaf) is the absolute Banzhaf index η_i / 2^(n−1); normalized is η_i / Σ η"
                .to_string(),
        ];
        match args.resolution {
            Resolution::Exact => notes.push(
                "weights are the balances divided by their greatest common divisor (no rounding)"
                    .into(),
            ),
            Resolution::Total(n) => notes.push(format!(
                "weights are balances scaled to a total of about {n} units, rounded half up \
                 (largest rounding error {} unit; {} holders rounded to 0 are dummies); the quota \
                 is {} of the scaled total",
                rounded_decimal(&s.max_rounding_error, 6),
                s.rounded_to_zero,
                args.quota
            )),
        }
        let banzhaf = (0..listed)
            .map(|i| {
                json!({
                    "holder": holders[i].0,
                    "weight": fmt_power(holders[i].1),
                    "index": rounded_decimal(&abs[i], 9),
                    "error": "0",
                    "exact": fraction_string(&abs[i]),
                    "normalized": rounded_decimal(&norm[i], 9),
                    "normalized_exact": fraction_string(&norm[i]),
                    "swings": bz.swings[i].to_string(),
                })
            })
            .collect();
        let shapley_shubik = (0..listed)
            .map(|i| {
                json!({
                    "holder": holders[i].0,
                    "weight": fmt_power(holders[i].1),
                    "index": rounded_decimal(&ss[i], 9),
                    "error": "0",
                    "exact": fraction_string(&ss[i]),
                })
            })
            .collect();
        return Ok(Some(Indices {
            mode: "exact",
            notes,
            extra: json!({
                "game_quota": s.game.quota,
                "game_total": s.game.weights.iter().map(|&w| u128::from(w)).sum::<u128>().to_string(),
                "game_players": s.game.weights.iter().filter(|&&w| w > 0).count(),
                "resolution": match args.resolution {
                    Resolution::Exact => "exact".to_string(),
                    Resolution::Total(n) => n.to_string(),
                },
            }),
            banzhaf,
            shapley_shubik,
        }));
    }
    let quota = args.quota.least_amount(dist.total());
    let quota = u128::try_from(quota).unwrap_or(u128::MAX);
    let opts = approx::ApproxOptions {
        reported: listed,
        epsilon: args.epsilon,
        delta: args.delta,
        seed: args.seed,
        ..approx::ApproxOptions::default()
    };
    let est = approx::estimate(weights, quota, &opts)?;
    let entry = |i: usize, e: &approx::Estimate| {
        json!({
            "holder": holders[i].0,
            "weight": fmt_power(holders[i].1),
            "index": format!("{:.6}", e.value),
            "error": format!("{}", e.error),
        })
    };
    Ok(Some(Indices {
        mode: "approximate",
        notes: vec![
            format!(
                "Monte Carlo over random coalitions of all {} holders with their exact balances; \
                 each index is within ± error of the true value, all {} at once with probability \
                 >= {} (Hoeffding: m = ceil(ln(2k/δ) / (2ε²)) = {} draws per index; seed {})",
                weights.len(),
                listed,
                1.0 - args.delta,
                est.samples,
                args.seed
            ),
            "index (banzhaf) is the absolute Banzhaf index (swing probability); the normalized \
             index needs every holder's and is not estimated"
                .into(),
            "index (shapley_shubik) is estimated through Owen's multilinear extension (a uniform t, \
             then each holder joins with probability t)"
                .into(),
        ],
        extra: json!({
            "game_quota": fmt_power(quota),
            "samples": est.samples,
            "epsilon": args.epsilon,
            "delta": args.delta,
            "seed": args.seed,
        }),
        banzhaf: est.banzhaf_absolute.iter().enumerate().map(|(i, e)| entry(i, e)).collect(),
        shapley_shubik: est.shapley_shubik.iter().enumerate().map(|(i, e)| entry(i, e)).collect(),
    }))
}

fn s(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn to_csv(out: &Value) -> String {
    let mut rows: Vec<[String; 5]> = Vec::new();
    let mut row = |a: &str, b: String, c: String, d: String, e: String| {
        rows.push([a.to_string(), b, c, d, e]);
    };
    row(
        "holders",
        "count".into(),
        s(&out["holders"]),
        String::new(),
        String::new(),
    );
    row(
        "zero_balances",
        "count".into(),
        s(&out["zero_balances"]),
        String::new(),
        String::new(),
    );
    row(
        "total",
        "power".into(),
        s(&out["total"]),
        String::new(),
        String::new(),
    );
    for n in out["nakamoto"].as_array().into_iter().flatten() {
        row(
            "nakamoto",
            s(&n["comparison"]),
            s(&n["k"]),
            String::new(),
            String::new(),
        );
    }
    for t in out["top_shares"].as_array().into_iter().flatten() {
        row(
            "top_share",
            s(&t["k"]),
            s(&t["share"]),
            s(&t["exact"]),
            String::new(),
        );
    }
    row(
        "gini",
        "zero_balances_included".into(),
        s(&out["gini"]["value"]),
        s(&out["gini"]["exact"]),
        String::new(),
    );
    row(
        "hhi",
        String::new(),
        s(&out["hhi"]["value"]),
        s(&out["hhi"]["exact"]),
        String::new(),
    );
    row(
        "effective_holders",
        String::new(),
        s(&out["hhi"]["effective_holders"]),
        s(&out["hhi"]["effective_holders_exact"]),
        String::new(),
    );
    row(
        "entropy_bits",
        "f64".into(),
        s(&out["entropy_bits"]),
        String::new(),
        String::new(),
    );
    row(
        "theil_t",
        "f64".into(),
        s(&out["theil_t"]),
        String::new(),
        String::new(),
    );
    for p in out["lorenz"].as_array().into_iter().flatten() {
        row(
            "lorenz",
            s(&p["holders"]),
            s(&p["share"]),
            s(&p["power"]),
            String::new(),
        );
    }
    for key in ["banzhaf", "shapley_shubik"] {
        for e in out[key].as_array().into_iter().flatten() {
            row(
                key,
                s(&e["holder"]),
                s(&e["index"]),
                s(&e["exact"]),
                s(&e["error"]),
            );
        }
    }
    if let Some(m) = out.get("min_majority_voters").filter(|m| !m.is_null()) {
        row(
            "min_majority_voters",
            "count".into(),
            s(&m["count"]),
            s(&m["power"]),
            String::new(),
        );
        for a in m["addresses"].as_array().into_iter().flatten() {
            row(
                "min_majority_voters",
                "address".into(),
                s(a),
                String::new(),
                String::new(),
            );
        }
    }
    if let Some(m) = out.get("min_flip_voters") {
        row(
            "min_flip_voters",
            "count".into(),
            s(&m["count"]),
            s(&m["power"]),
            String::new(),
        );
        for a in m["addresses"].as_array().into_iter().flatten() {
            row(
                "min_flip_voters",
                "address".into(),
                s(a),
                String::new(),
                String::new(),
            );
        }
        row(
            "margin",
            "for_minus_against".into(),
            s(&out["margin"]),
            String::new(),
            String::new(),
        );
    }
    let mut text = String::from("section,key,value,exact,error\n");
    for r in rows {
        let line: Vec<String> = r.iter().map(|f| csv_field(f)).collect();
        text.push_str(&line.join(","));
        text.push('\n');
    }
    text
}

const TABLE_ROWS: usize = 20;

fn to_table(out: &Value, indices: Option<&Indices>) -> String {
    let mut t = String::new();
    let _ = writeln!(t, "control of {}", s(&out["source"]));
    let _ = writeln!(
        t,
        "holders   {} ({} with zero balance), total {}",
        s(&out["holders"]),
        s(&out["zero_balances"]),
        s(&out["total"])
    );
    for n in out["nakamoto"].as_array().into_iter().flatten() {
        let k = if n["k"].is_null() {
            "none".to_string()
        } else {
            s(&n["k"])
        };
        let _ = writeln!(
            t,
            "nakamoto  {k} holders hold {} of the total",
            s(&n["comparison"])
        );
    }
    for p in out["top_shares"].as_array().into_iter().flatten() {
        let _ = writeln!(t, "top {:<5} {}", s(&p["k"]), s(&p["share"]));
    }
    let _ = writeln!(
        t,
        "gini      {} (population form, zero balances included)",
        s(&out["gini"]["value"])
    );
    let _ = writeln!(
        t,
        "hhi       {} ({} points), effective holders {}",
        s(&out["hhi"]["value"]),
        s(&out["hhi"]["points"]),
        s(&out["hhi"]["effective_holders"])
    );
    let f = |v: &Value| v.as_f64().map_or(String::new(), |x| format!("{x:.6}"));
    let _ = writeln!(
        t,
        "entropy   {} bits, theil-t {} nats (floating point, informative only)",
        f(&out["entropy_bits"]),
        f(&out["theil_t"])
    );
    let _ = writeln!(
        t,
        "lorenz    population -> share of the total held by the poorest"
    );
    for p in out["lorenz"].as_array().into_iter().flatten() {
        let _ = writeln!(
            t,
            "          {:>8} -> {}",
            s(&p["population"]),
            s(&p["share"])
        );
    }
    if let Some(ix) = indices {
        let pi = &out["power_indices"];
        let _ = writeln!(
            t,
            "\npower indices ({}), quota {} of the total",
            ix.mode,
            s(&pi["quota"])
        );
        for note in &ix.notes {
            let _ = writeln!(t, "  {note}");
        }
        let _ = writeln!(
            t,
            "  {:<44} {:>24} {:>12} {:>12} {:>12}",
            "holder", "weight", "banzhaf", "shapley", "±"
        );
        for (b, s_) in ix.banzhaf.iter().zip(&ix.shapley_shubik).take(TABLE_ROWS) {
            let _ = writeln!(
                t,
                "  {:<44} {:>24} {:>12} {:>12} {:>12}",
                s(&b["holder"]),
                s(&b["weight"]),
                short(&s(&b["index"])),
                short(&s(&s_["index"])),
                s(&b["error"])
            );
        }
        if ix.banzhaf.len() > TABLE_ROWS {
            let _ = writeln!(
                t,
                "  … {} more with --format json or csv",
                ix.banzhaf.len() - TABLE_ROWS
            );
        }
    }
    if let Some(m) = out.get("min_majority_voters") {
        let p = &out["proposal"];
        let _ = writeln!(
            t,
            "\nproposal  {}: {}, {} votes, {} cast",
            s(&p["id"]),
            s(&p["outcome"]),
            s(&p["votes"]),
            s(&p["cast_power"])
        );
        if m.is_null() {
            let _ = writeln!(t, "majority  nothing was cast");
        } else {
            let _ = writeln!(
                t,
                "majority  {} voters hold {} (> 1/2 of the power cast): {}",
                s(&m["count"]),
                s(&m["power"]),
                list(&m["addresses"])
            );
        }
        let fl = &out["min_flip_voters"];
        if fl["count"].is_null() {
            let _ = writeln!(t, "flip      none: {}", s(&fl["note"]));
        } else {
            let _ = writeln!(
                t,
                "flip      {} voters switching {} ({}) would change the outcome: {}",
                s(&fl["count"]),
                s(&fl["switch"]),
                s(&fl["power"]),
                list(&fl["addresses"])
            );
        }
        let _ = writeln!(t, "margin    For − Against = {}", s(&out["margin"]));
    }
    t
}

fn short(x: &str) -> String {
    match x.split_once('.') {
        Some((i, f)) if f.len() > 6 => format!("{i}.{}", &f[..6]),
        _ => x.to_string(),
    }
}

fn list(v: &Value) -> String {
    let a: Vec<String> = v.as_array().into_iter().flatten().map(s).collect();
    if a.len() > 10 {
        format!("{} … ({} in all)", a[..10].join(", "), a.len())
    } else {
        a.join(", ")
    }
}
