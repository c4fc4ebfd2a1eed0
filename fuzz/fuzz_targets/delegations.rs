//! A delegation file of any detected format, read and analysed against
//! holders.csv.
#![no_main]

#[path = "common.rs"]
mod common;

use govkit::io::delegations::{self, DelegationRequest};
use govkit::{DelegationSource, HoldersSource};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = common::input("delegations.fuzz.csv", data);
    let _ = delegations::read(&DelegationSource::new(&path));
    let req = DelegationRequest::new(
        HoldersSource::new(common::dir().join("holders.csv")),
        DelegationSource::new(&path),
    );
    let _ = delegations::analyze(&req);
});
