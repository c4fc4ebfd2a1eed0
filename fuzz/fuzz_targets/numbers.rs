//! The text-to-number parsers: amounts (token and base units, any
//! decimals), shares and share-or-amount thresholds.
#![no_main]

use libfuzzer_sys::fuzz_target;

use govkit::share::ShareOrAmount;
use govkit::{Amount, AmountUnit, Share};

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let decimals = first % 40;
    if let Ok(a) = Amount::parse(text, AmountUnit::Token, decimals) {
        // What is printed parses back to the same amount.
        let shown = a.to_tokens_string(decimals);
        assert_eq!(Amount::parse(&shown, AmountUnit::Token, decimals), Ok(a));
    }
    let _ = Amount::parse(text, AmountUnit::Base, decimals);
    if let Ok(s) = text.parse::<Share>() {
        let _ = s.to_string();
    }
    let _ = ShareOrAmount::parse(text, decimals);
});
