//! `govkit._core`: the PyO3 extension behind the `govkit` Python package.
//!
//! Each function makes the same library call as the matching `govkit`
//! subcommand (`src/cli/*.rs` of the root crate) and returns the result's
//! JSON text (the library's own serde output, exact decimal strings),
//! extended with exact fractions (`"n/d"`) where that JSON rounds (shares,
//! Gini, Lorenz points). The pure-Python layer (`govkit/__init__.py`)
//! turns the text into typed objects with `int`, `Decimal` and `Fraction`
//! values; no number crosses as a float except where the library itself
//! uses floats (entropy, Theil, sampled indices, chart curves).
//!
//! Every call releases the GIL while the library works, and catches
//! panics: a bug becomes a `govkit.GovkitError`, never a crash.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use govkit::compare::{self as gcompare, Variant};
use govkit::control::{
    self as gcontrol, ControlRequest, DelegationsInput, HoldersInput, IndicesMode, Threshold,
    WeightResolution,
};
use govkit::delegation::{Policy, SelfDelegation, Undelegated};
use govkit::io::delegations::{Cutoff, DelegationFormat, DelegationRequest, DelegationSource};
use govkit::mechanism::OptionTable;
use govkit::render::compare::{holders_curve, NamedBatch};
use govkit::scenario::Scenario;
use govkit::{
    AmountUnit, BuildContext, CastAt, Electorate, ErrorKind, HoldersSource, Mechanism,
    MechanismPlugin, Power, Proposal, Registry,
};
use num_rational::BigRational;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde_json::{json, Value};

// ---------------------------------------------------------------------
// The registry: the built-in mechanisms plus those registered from Python.

fn registry() -> &'static Mutex<Registry> {
    static REGISTRY: OnceLock<Mutex<Registry>> = OnceLock::new();
    REGISTRY.get_or_init(|| Mutex::new(Registry::builtin()))
}

/// A snapshot of the registry (plugins are `Arc`s: cheap to clone), so no
/// lock is held while the library runs.
fn current_registry() -> Registry {
    registry().lock().unwrap_or_else(|e| e.into_inner()).clone()
}

/// A mechanism written in Python: a callable from the electorate's token
/// weights (base units, one per vote) to powers (integer units, one per
/// vote). Each evaluation takes the GIL once for the call.
struct PyMechanism {
    name: &'static str,
    func: Arc<Py<PyAny>>,
    decimals: Option<u8>,
}

impl Mechanism for PyMechanism {
    fn name(&self) -> String {
        self.name.to_string()
    }

    fn power_decimals(&self, token_decimals: u8) -> u8 {
        self.decimals.unwrap_or(token_decimals)
    }

    fn assign_power(&self, e: &Electorate<'_>) -> govkit::Result<Vec<Power>> {
        let weights: Vec<u128> = e.weights.iter().map(|w| w.base_units()).collect();
        Python::with_gil(|py| {
            let fail = |what: String| {
                govkit::Error::invalid(format!("Python mechanism {:?}: {what}", self.name))
            };
            let out = self
                .func
                .call1(py, (weights,))
                .map_err(|e| fail(e.to_string()))?;
            let powers: Vec<u128> = out.extract(py).map_err(|e| {
                fail(format!(
                    "must return a sequence of non-negative ints below 2**128 ({e})"
                ))
            })?;
            Ok(powers.into_iter().map(Power::from_units).collect())
        })
    }
}

struct PyPlugin {
    name: &'static str,
    summary: &'static str,
    func: Arc<Py<PyAny>>,
    decimals: Option<u8>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct NoOptions {}

impl MechanismPlugin for PyPlugin {
    fn name(&self) -> &'static str {
        self.name
    }
    fn summary(&self) -> &'static str {
        self.summary
    }
    fn build(
        &self,
        options: &OptionTable,
        ctx: &BuildContext<'_>,
    ) -> govkit::Result<Arc<dyn Mechanism>> {
        let _: NoOptions = ctx.options(options)?;
        Ok(Arc::new(PyMechanism {
            name: self.name,
            func: Arc::clone(&self.func),
            decimals: self.decimals,
        }))
    }
}

/// Registers `func` as the mechanism `name` (usable as `[mechanism] kind`
/// and as a compare label). The name and summary are kept for the life of
/// the process.
#[pyfunction]
#[pyo3(signature = (name, func, power_decimals=None, summary=None))]
fn register_mechanism(
    py: Python<'_>,
    name: String,
    func: Py<PyAny>,
    power_decimals: Option<u8>,
    summary: Option<String>,
) -> PyResult<()> {
    if !func.bind(py).is_callable() {
        return Err(PyValueError::new_err("func must be callable"));
    }
    let mut reg = registry().lock().unwrap_or_else(|e| e.into_inner());
    if reg.mechanisms.get(&name).is_some() {
        return Err(to_py(
            py,
            govkit::Error::invalid(format!("a mechanism named {name:?} is already registered")),
        ));
    }
    let plugin = PyPlugin {
        name: Box::leak(name.into_boxed_str()),
        summary: Box::leak(
            summary
                .unwrap_or_else(|| "a mechanism written in Python".into())
                .into_boxed_str(),
        ),
        func: Arc::new(func),
        decimals: power_decimals,
    };
    reg.register(plugin).map_err(|e| to_py(py, e))?;
    Ok(())
}

/// The mechanisms' compare labels (built-in and registered).
#[pyfunction]
fn mechanism_labels() -> Vec<String> {
    current_registry()
        .mechanisms
        .labels()
        .into_iter()
        .map(String::from)
        .collect()
}

// ---------------------------------------------------------------------
// Errors and the call wrapper.

/// A govkit error as the matching `govkit._errors` exception, with the
/// kind, path, line and field of `Error::location()`.
fn to_py(py: Python<'_>, e: govkit::Error) -> PyErr {
    let message = e.to_string();
    let (class, path, line, field) = {
        let loc = e.location();
        let path = loc.map(|l| l.path.display().to_string());
        let line = loc.and_then(|l| l.line);
        let field = loc.and_then(|l| l.field.clone());
        match e.kind() {
            ErrorKind::Input { .. } | ErrorKind::Unreadable { .. } => {
                ("InputError", path, line, field)
            }
            ErrorKind::Io { path, .. } => {
                ("InputError", Some(path.display().to_string()), None, None)
            }
            ErrorKind::Overflow { .. } => ("OverflowError", path, line, field),
            _ => ("InvalidRequestError", path, line, field),
        }
    };
    raise(py, class, message, path, line, field)
}

fn raise(
    py: Python<'_>,
    class: &str,
    message: String,
    path: Option<String>,
    line: Option<u64>,
    field: Option<String>,
) -> PyErr {
    let made = py.import("govkit._errors").and_then(|m| {
        let cls = m.getattr(class)?;
        cls.call1((message.clone(), path, line, field))
    });
    match made {
        Ok(instance) => PyErr::from_value(instance),
        Err(e) => e,
    }
}

/// Runs `f` without the GIL, turning its error into a Python exception and
/// a panic into `GovkitError` (the interpreter survives).
fn run<T: Send>(py: Python<'_>, f: impl FnOnce() -> govkit::Result<T> + Send) -> PyResult<T> {
    let out = py.allow_threads(|| catch_unwind(AssertUnwindSafe(f)));
    match out {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(to_py(py, e)),
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Err(raise(
                py,
                "GovkitError",
                format!("internal error (a bug in govkit, please report): {what}"),
                None,
                None,
                None,
            ))
        }
    }
}

fn invalid(e: impl std::fmt::Display) -> govkit::Error {
    govkit::Error::invalid(e.to_string())
}

fn frac(r: &BigRational) -> String {
    format!("{}/{}", r.numer(), r.denom())
}

fn parse_json(text: &str) -> Value {
    serde_json::from_str(text).expect("the library writes valid JSON")
}

fn load(path: &Path, proposal_id: Option<&str>, reg: &Registry) -> govkit::Result<Proposal> {
    let p = Proposal::load_with(path, reg)?;
    Ok(match proposal_id {
        Some(id) => p.select(id),
        None => p,
    })
}

// ---------------------------------------------------------------------
// evaluate

fn report_value(r: &govkit::Report) -> Value {
    let mut v = parse_json(&r.to_json());
    for (c, out) in r
        .choices
        .iter()
        .zip(v["choices"].as_array_mut().expect("choices"))
    {
        out["share_exact"] = json!(frac(c.share.as_rational()));
    }
    // The quorum is in tokens: its unit's decimals (not the power's).
    v["quorum"]["decimals"] = json!(r.quorum.required.decimals());
    v
}

/// `govkit evaluate PROPOSAL.toml [--proposal-id ID]`, as JSON.
#[pyfunction]
#[pyo3(signature = (path, proposal_id=None))]
fn evaluate(py: Python<'_>, path: PathBuf, proposal_id: Option<String>) -> PyResult<String> {
    let reg = current_registry();
    run(py, move || {
        let report = load(&path, proposal_id.as_deref(), &reg)?.evaluate()?;
        Ok(report_value(&report).to_string())
    })
}

// ---------------------------------------------------------------------
// compare

fn comparison_value(c: &gcompare::Comparison) -> Value {
    let mut v = parse_json(&c.to_json());
    for (row, out) in c.rows.iter().zip(v["rows"].as_array_mut().expect("rows")) {
        for (ch, o) in row
            .choices
            .iter()
            .zip(out["choices"].as_array_mut().expect("choices"))
        {
            o["share_exact"] = json!(frac(ch.share.as_rational()));
        }
        out["gini_exact"] = json!(row.gini.as_ref().map(|g| frac(g.as_rational())));
        out["lorenz"] = json!(row.lorenz);
    }
    v
}

/// `govkit compare PROPOSAL.toml [--mechanisms ..] [--rules ..]
/// [--scenario ..] [--all] [--html]`, as JSON.
#[pyfunction]
#[pyo3(signature = (path, mechanisms=None, proposal_id=None, rules=Vec::new(), scenarios=Vec::new(), seed=1, all=false, html=false))]
#[allow(clippy::too_many_arguments)]
fn compare(
    py: Python<'_>,
    path: PathBuf,
    mechanisms: Option<Vec<String>>,
    proposal_id: Option<String>,
    rules: Vec<String>,
    scenarios: Vec<String>,
    seed: u64,
    all: bool,
    html: bool,
) -> PyResult<String> {
    let reg = current_registry();
    run(py, move || {
        let scenarios = scenarios
            .iter()
            .map(|s| s.parse())
            .collect::<govkit::Result<Vec<Scenario>>>()?;
        let proposal = load(&path, proposal_id.as_deref(), &reg)?;
        let variants = Variant::with_rule_variants(mechanisms.as_deref(), &rules, &proposal, &reg)?;
        if all {
            let batch =
                govkit::batch::compare_all(&proposal, &variants, &scenarios, seed, &mut |_, _| {})?;
            let name = path.file_stem().map(|s| s.to_string_lossy().into_owned());
            let named = NamedBatch::new(name.unwrap_or_default(), batch);
            let mut v = json!({
                "source": named.source,
                "summary": named.summary,
                "proposals": [],
                "skipped": named.batch.skipped,
            });
            v["proposals"] = Value::Array(
                named
                    .batch
                    .comparisons
                    .iter()
                    .map(comparison_value)
                    .collect(),
            );
            return Ok(v.to_string());
        }
        let mut prepared = proposal.prepare()?;
        let c = gcompare::compare_with_scenarios(&mut prepared, &variants, &scenarios, seed)?;
        let curve = holders_curve(prepared.holders.as_ref())?;
        let mut v = comparison_value(&c);
        v["holders_lorenz"] = json!(curve);
        if html {
            v["html"] = json!(govkit::html::comparison_html(&c, &curve));
        }
        Ok(v.to_string())
    })
}

// ---------------------------------------------------------------------
// control

fn unit(u: Option<&str>) -> govkit::Result<Option<AmountUnit>> {
    match u {
        None => Ok(None),
        Some("token") => Ok(Some(AmountUnit::Token)),
        Some("base") => Ok(Some(AmountUnit::Base)),
        Some(other) => Err(invalid(format!(
            "unit {other:?}: write \"token\" or \"base\""
        ))),
    }
}

fn threshold(s: &str) -> govkit::Result<Threshold> {
    s.parse().map_err(|e: gcontrol::ThresholdError| invalid(e))
}

fn control_value(r: &gcontrol::ControlReport) -> Value {
    let mut v = govkit::render::control::to_json_value(r);
    // Exact values where the JSON rounds.
    if let Some(arr) = v["nakamoto"].as_array_mut() {
        for (n, out) in r.nakamoto.iter().zip(arr) {
            out["threshold_exact"] = json!(frac(n.threshold.share.as_rational()));
        }
    }
    if let (Some(b), Some(out)) = (&r.before_delegation, v.get_mut("before_delegation")) {
        out["gini_exact"] = json!(b.gini.as_ref().map(frac));
        out["delegated_share_exact"] = json!(frac(&b.delegated_share));
    }
    if let Some(arr) = v["lorenz"].as_array_mut() {
        for (p, out) in r.lorenz.iter().zip(arr) {
            out["population_exact"] = json!(frac(&p.population));
            out["share_exact"] = json!(p.share.as_ref().map(frac));
        }
    }
    if let Some(ix) = &r.power_indices {
        if let gcontrol::IndexValues::Exact(e) = &ix.values {
            // In the mixed mode Shapley-Shubik is estimated: no exact list.
            if e.shapley_shubik_estimate.is_none() {
                v["shapley_shubik_exact"] =
                    json!(e.shapley_shubik.iter().map(frac).collect::<Vec<_>>());
            }
            v["banzhaf_absolute_exact"] = json!(e
                .banzhaf
                .iter()
                .map(|b| frac(&b.absolute))
                .collect::<Vec<_>>());
            v["banzhaf_normalized_exact"] = json!(e
                .banzhaf
                .iter()
                .map(|b| frac(&b.normalized))
                .collect::<Vec<_>>());
            v["players_weights"] = json!(ix
                .players
                .iter()
                .map(|p| p.weight.units().to_string())
                .collect::<Vec<_>>());
        }
    }
    if let (Some(p), Some(_)) = (&r.proposal, v.get("proposal")) {
        v["margin_exact"] = json!(p.margin.as_ref().map(frac));
        v["proposal_decimals"] = json!(p.power_decimals);
    }
    v["total_units"] = json!(r.total.units().to_string());
    v
}

/// `govkit control [HOLDERS] [--proposal ..] [--delegations ..] ...`, as
/// JSON.
#[pyfunction]
#[pyo3(signature = (holders=None, *, proposal=None, delegations=None, policy="one-hop".to_string(), decimals=18, unit=None, address_column=None, balance_column=None, thresholds=vec![">1/2".to_string()], top=vec![1, 10, 100], lorenz_points=10, indices="auto".to_string(), quota=">1/2".to_string(), resolution="exact".to_string(), players=100, epsilon=0.01, delta=0.01, seed=1, force=false))]
#[allow(clippy::too_many_arguments)]
fn control(
    py: Python<'_>,
    holders: Option<PathBuf>,
    proposal: Option<PathBuf>,
    delegations: Option<PathBuf>,
    policy: String,
    decimals: u8,
    unit: Option<String>,
    address_column: Option<String>,
    balance_column: Option<String>,
    thresholds: Vec<String>,
    top: Vec<usize>,
    lorenz_points: usize,
    indices: String,
    quota: String,
    resolution: String,
    players: usize,
    epsilon: f64,
    delta: f64,
    seed: u64,
    force: bool,
) -> PyResult<String> {
    run(py, move || {
        if holders.is_none() && proposal.is_none() {
            return Err(invalid("control needs holders, a proposal, or both"));
        }
        if delegations.is_some() && holders.is_none() {
            return Err(invalid("delegations need a holders file"));
        }
        let unit = self::unit(unit.as_deref())?;
        let holders = holders.map(|path| {
            let mut src = HoldersSource::new(path);
            src.address_column = address_column;
            src.balance_column = balance_column;
            src.unit = unit;
            HoldersInput::File(src)
        });
        let mut req = ControlRequest::new(holders, proposal);
        req.delegations = delegations.map(|p| DelegationsInput::File(DelegationSource::new(p)));
        req.policy = policy.parse().map_err(invalid)?;
        req.decimals = decimals;
        let o = &mut req.options;
        o.thresholds = thresholds
            .iter()
            .map(|t| threshold(t))
            .collect::<govkit::Result<_>>()?;
        o.top = top;
        o.lorenz_points = lorenz_points;
        o.indices = match indices.as_str() {
            "auto" => IndicesMode::Auto,
            "exact" => IndicesMode::Exact,
            "approx" => IndicesMode::Approx,
            "none" => IndicesMode::None,
            other => {
                return Err(invalid(format!(
                    "indices {other:?}: write auto, exact, approx or none"
                )))
            }
        };
        o.quota = threshold(&quota)?;
        o.resolution = resolution.parse::<WeightResolution>().map_err(invalid)?;
        o.players = players;
        o.epsilon = epsilon;
        o.delta = delta;
        o.seed = seed;
        o.force = force;
        let report = gcontrol::analyze(&req, &mut |_| {})?;
        Ok(control_value(&report).to_string())
    })
}

// ---------------------------------------------------------------------
// delegation, conviction, fund, synth

/// `govkit delegation HOLDERS DELEGATIONS ...`, as JSON.
#[pyfunction]
#[pyo3(signature = (holders, delegations, *, policy="one-hop".to_string(), undelegated=None, reject_self_delegation=false, require_holders=false, decimals=18, source_format=None, scope=None, until_block=None, until_time=None, top=10, address_column=None, balance_column=None))]
#[allow(clippy::too_many_arguments)]
fn delegation(
    py: Python<'_>,
    holders: PathBuf,
    delegations: PathBuf,
    policy: String,
    undelegated: Option<String>,
    reject_self_delegation: bool,
    require_holders: bool,
    decimals: u8,
    source_format: Option<String>,
    scope: Option<String>,
    until_block: Option<u64>,
    until_time: Option<String>,
    top: usize,
    address_column: Option<String>,
    balance_column: Option<String>,
) -> PyResult<String> {
    run(py, move || {
        let mut policy: Policy = policy.parse().map_err(invalid)?;
        match undelegated.as_deref() {
            None => {}
            Some("count") => policy.undelegated = Undelegated::Count,
            Some("ignore") => policy.undelegated = Undelegated::Ignore,
            Some(other) => {
                return Err(invalid(format!(
                    "undelegated {other:?}: write \"count\" or \"ignore\""
                )))
            }
        }
        if reject_self_delegation {
            policy.self_delegation = SelfDelegation::Reject;
        }
        policy.require_holders |= require_holders;
        let mut h = HoldersSource::new(&holders);
        h.address_column = address_column;
        h.balance_column = balance_column;
        let mut d = DelegationSource::new(&delegations);
        d.format = source_format
            .map(|f| f.parse::<DelegationFormat>())
            .transpose()
            .map_err(invalid)?;
        d.scope = scope;
        if until_block.is_some() && until_time.is_some() {
            return Err(invalid("give until_block or until_time, not both"));
        }
        d.until = match (until_block, until_time) {
            (Some(b), _) => Some(Cutoff::Block(b)),
            (None, Some(t)) => Some(Cutoff::Time(CastAt::new(&t))),
            (None, None) => None,
        };
        let mut req = DelegationRequest::new(h, d);
        req.policy = policy;
        req.top = top;
        req.decimals = decimals;
        let analysis = govkit::io::delegations::analyze(&req)?;
        Ok(analysis.to_json())
    })
}

/// `govkit conviction FILE.toml [--until ..] [--series ..]`, as JSON.
#[pyfunction]
#[pyo3(signature = (path, until=None, series=None, step=None))]
fn conviction(
    py: Python<'_>,
    path: PathBuf,
    until: Option<u64>,
    series: Option<PathBuf>,
    step: Option<u64>,
) -> PyResult<String> {
    run(py, move || {
        let options = govkit::io::conviction_files::RunOptions {
            until,
            series,
            step,
        };
        Ok(govkit::io::conviction_files::run(&path, &options)?.to_json())
    })
}

/// `govkit fund ROUND.toml [--html]`, as JSON (and the HTML report).
#[pyfunction]
#[pyo3(signature = (path, html=false))]
fn fund(py: Python<'_>, path: PathBuf, html: bool) -> PyResult<(String, Option<String>)> {
    run(py, move || {
        let report = govkit::io::contributions::run(&path)?;
        let text = govkit::render::fund::render(&report, govkit::render::fund::FundFormat::Json);
        let page = html.then(|| govkit::html::round_html(&report));
        Ok((text, page))
    })
}

/// `govkit synth --holders N ... --out DIR`: writes the files and returns
/// the counts.
#[pyfunction]
#[pyo3(signature = (out, holders, *, distribution="pareto:1.16".to_string(), delegation_rate=0.0, turnout=0.2, choices=(60.0, 30.0, 10.0), decimals=18, seed=1, locks=None, force=false))]
#[allow(clippy::too_many_arguments)]
fn synth<'py>(
    py: Python<'py>,
    out: PathBuf,
    holders: usize,
    distribution: String,
    delegation_rate: f64,
    turnout: f64,
    choices: (f64, f64, f64),
    decimals: u8,
    seed: u64,
    locks: Option<String>,
    force: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let (h, d, v) = run(py, move || {
        let dao = govkit::synth::generate(&govkit::synth::Options {
            holders,
            distribution: distribution.parse()?,
            delegation_rate,
            turnout,
            choice_weights: [choices.0, choices.1, choices.2],
            decimals,
            seed,
            locks: locks.as_deref().map(str::parse).transpose()?,
        })?;
        dao.write_to(&out, force)?;
        Ok((dao.balances.len(), dao.delegations.len(), dao.votes.len()))
    })?;
    let dict = PyDict::new(py);
    dict.set_item("holders", h)?;
    dict.set_item("delegations", d)?;
    dict.set_item("votes", v)?;
    Ok(dict)
}

/// The native core of the `govkit` package (use the package, not this
/// module).
#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(evaluate, m)?)?;
    m.add_function(wrap_pyfunction!(compare, m)?)?;
    m.add_function(wrap_pyfunction!(control, m)?)?;
    m.add_function(wrap_pyfunction!(delegation, m)?)?;
    m.add_function(wrap_pyfunction!(conviction, m)?)?;
    m.add_function(wrap_pyfunction!(fund, m)?)?;
    m.add_function(wrap_pyfunction!(synth, m)?)?;
    m.add_function(wrap_pyfunction!(register_mechanism, m)?)?;
    m.add_function(wrap_pyfunction!(mechanism_labels, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
